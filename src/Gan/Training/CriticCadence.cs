using Scratch.Gan.Models;

namespace Scratch.Gan.Training;

/// <summary>
/// Which training iterations end with a generator step. Every iteration is one critic (D) step on the
/// next real batch; generator step k (counted from 0) comes after <see cref="CriticSteps"/>(k) of them.
/// The answer depends on the iteration number alone, so a resumed run continues the same cadence.
/// </summary>
public sealed class CriticCadence(int nCritic, CriticSchedule schedule)
{
    /// <summary>The reference's warm-up: 100 critic steps before each of the first 25 generator steps and before every 500th.</summary>
    public const int WarmupCritics = 100, WarmupSteps = 25, RetrainEvery = 500;

    long _gSteps;             // generator steps scheduled at or before _nextG, less one
    long _nextG = -1;         // the iteration that ends with generator step _gSteps; -1 until the first query
    long _asked;              // the last iteration asked about

    public CriticCadence(GanConfig c) : this(c.NCritic, c.CriticSchedule) { }

    /// <summary>Critic steps before generator step k (0-based).</summary>
    public int CriticSteps(long k) => schedule switch
    {
        // martinarjovsky/WassersteinGAN main.py: Diters = 100 if gen_iterations < 25 or gen_iterations % 500 == 0.
        CriticSchedule.WganWarmup when k < WarmupSteps || k % RetrainEvery == 0 => WarmupCritics,
        _ => Math.Max(1, nCritic),
    };

    /// <summary>
    /// Whether iteration <paramref name="iter"/> (1-based) ends with a generator step. Queries must not go
    /// backwards; a first query far from 1 (a resume) walks the schedule from the start.
    /// </summary>
    public bool EndsWithGStep(long iter)
    {
        if (iter < _asked) throw new InvalidOperationException($"critic cadence asked about iteration {iter} after iteration {_asked}");
        _asked = iter;
        if (_nextG < 0) _nextG = CriticSteps(0);
        while (_nextG < iter) _nextG += CriticSteps(++_gSteps);
        return _nextG == iter;
    }

    /// <summary>Generator steps made in iterations 1..iter.</summary>
    public long GeneratorStepsBy(long iter)
    {
        if (iter < 1) return 0;
        var fresh = new CriticCadence(nCritic, schedule);
        bool at = fresh.EndsWithGStep(iter);
        return fresh._gSteps + (at ? 1 : 0);
    }
}
