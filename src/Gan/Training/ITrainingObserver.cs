using Scratch.Gan.Models;

namespace Scratch.Gan.Training;

/// <summary>
/// Where training reports its progress. The trainer calls it; the command line decides what it looks
/// like (a live bar on a terminal, <see cref="PlainProgress"/>'s periodic lines elsewhere), so Training
/// never depends on the CLI. <see cref="Log"/> takes the trainer's other lines (evaluations, warnings).
/// </summary>
public interface ITrainingObserver : IDisposable
{
    TextWriter Log { get; }
    /// <summary>Training starts (or resumes) at this iteration of epochs × perEpoch.</summary>
    void Started(int epochs, int perEpoch, long startIteration);
    /// <summary>Batch (1-based) of epoch (0-based) is done; the losses last read.</summary>
    void Step(int epoch, int batch, StepLosses losses);
    void EpochDone(int epoch, TimeSpan took, StepLosses losses);
}
