using System.Globalization;

namespace Scratch.Gan.Training;

/// <summary>A training problem spotted by <see cref="Diagnostics"/>: which, when, what it looks like, and what to try.</summary>
public sealed record Warning(string Kind, long Iteration, string Message, string Hint)
{
    public override string ToString() => $"warning at iteration {Iteration}: {Kind}: {Message} (hint: {Hint})";
    public string ToLine() => string.Join('\t', Iteration.ToString(CultureInfo.InvariantCulture), Kind, Message, Hint);
}

/// <summary>
/// Watches the losses (and, with --eval-every, the class histogram) of a run and raises each kind of
/// warning once. Fed plain numbers, so tests drive it with crafted sequences:
/// <list type="bullet">
/// <item>d-too-strong: D loss below 1e-3 for 200 iterations in a row — D separates perfectly, so G's
/// gradient vanishes (losses with a floor at 0 only: not WGAN's critic, whose loss is unbounded).</item>
/// <item>divergence: one loss below 1e-3 while the other is above 5, for 100 iterations in a row —
/// one player has won outright.</item>
/// <item>collapse: an evaluation covers ≤ 3 classes or its histogram's KL to uniform exceeds 0.5 nats
/// (about what using only 6 of 10 classes evenly gives).</item>
/// <item>non-finite: a NaN or infinite loss (the trainer also stops).</item>
/// </list>
/// </summary>
public sealed class Diagnostics(bool lossFloorAtZero)
{
    public const double Tiny = 1e-3, Large = 5, KlLimit = 0.5;
    public const int StrongRun = 200, DivergeRun = 100, CoveredLimit = 3;

    readonly HashSet<string> _raised = new();
    // Runs are counted in iterations, not calls: on a GPU the trainer observes only every 10th one.
    long _strong, _diverge, _last;

    public IReadOnlyCollection<string> Raised => _raised;

    /// <summary>One iteration's losses (G may be NaN on iterations without a G step); returns any new warnings.</summary>
    public IEnumerable<Warning> Observe(long iteration, double dLoss, double gLoss)
    {
        var found = new List<Warning>();
        if (!double.IsFinite(dLoss) || (!double.IsNaN(gLoss) && !double.IsFinite(gLoss)))
            Raise(found, new Warning("non-finite", iteration, $"a loss is not finite (D {dLoss}, G {gLoss})",
                "lower the learning rate, or check the data for NaN; training stops and the last good checkpoint is kept"));
        if (!lossFloorAtZero) return found;
        long step = _last == 0 ? 1 : iteration - _last;
        _last = iteration;
        _strong = dLoss < Tiny ? _strong + step : 0;
        if (_strong >= StrongRun)
            Raise(found, new Warning("d-too-strong", iteration, $"D loss below {Tiny} for {StrongRun} iterations",
                "D wins outright and G gets no gradient: lower D's learning rate, use the non-saturating loss, or add label smoothing/noise"));
        bool lopsided = double.IsFinite(gLoss) && Math.Min(dLoss, gLoss) < Tiny && Math.Max(dLoss, gLoss) > Large;
        _diverge = lopsided ? _diverge + step : 0;
        if (_diverge >= DivergeRun)
        {
            string who = gLoss < dLoss ? $"G loss ≈ 0 while D loss is {dLoss:G3}" : $"D loss ≈ 0 while G loss is {gLoss:G3}";
            Raise(found, new Warning("divergence", iteration, $"{who} for {DivergeRun} iterations",
                "one network has overpowered the other: balance the learning rates or n-critic, or restart from an earlier checkpoint"));
        }
        return found;
    }

    /// <summary>An evaluation's class coverage; returns a collapse warning the first time it looks collapsed.</summary>
    public IEnumerable<Warning> ObserveEval(long iteration, int classesCovered, double histogramKl)
    {
        var found = new List<Warning>();
        if (classesCovered <= CoveredLimit || histogramKl > KlLimit)
            Raise(found, new Warning("collapse", iteration, $"samples cover {classesCovered} classes (histogram KL to uniform {histogramKl:F3})",
                "mode collapse: try a lower learning rate for G, minibatch discrimination, or a WGAN-GP loss"));
        return found;
    }

    void Raise(List<Warning> found, Warning w)
    {
        if (_raised.Add(w.Kind)) found.Add(w);
    }

    /// <summary>The losses whose D loss has a floor at 0, where "D loss ≈ 0" means D has won.</summary>
    public static bool FloorAtZero(Models.LossKind loss) => !Models.Zoo.IsCritic(loss);
}
