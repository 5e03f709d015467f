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

/// <summary>The numbers every progress display shows: iterations per second, time left, the losses.</summary>
public sealed class ProgressClock
{
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    long _done;
    public int Epochs { get; private set; }
    public int PerEpoch { get; private set; }

    public void Start(int epochs, int perEpoch) => (Epochs, PerEpoch) = (epochs, perEpoch);

    /// <summary>Counts one more step and returns the rate, the time left, and the elapsed time.</summary>
    public (double Rate, TimeSpan Eta, TimeSpan Now) Tick(int epoch, int batch)
    {
        _done++;
        var now = _clock.Elapsed;
        double rate = _done / Math.Max(1e-9, now.TotalSeconds);
        long left = (long)(Epochs - epoch - 1) * PerEpoch + (PerEpoch - batch);
        return (rate, TimeSpan.FromSeconds(left / Math.Max(rate, 1e-9)), now);
    }

    public static string Losses(StepLosses l) =>
        $"D {l.D,7:F4}  G {l.G,7:F4}" + (double.IsNaN(l.Wasserstein) ? "" : $"  W {l.Wasserstein:F4}") + (double.IsNaN(l.Info) ? "" : $"  info {l.Info:F4}");

    public string EpochLine(int epoch, TimeSpan took, StepLosses l) =>
        $"epoch {epoch + 1}/{Epochs} done in {took.TotalSeconds:F1} s  (D {l.D:F4}, G {l.G:F4})";
}

/// <summary>Progress as plain lines every 50 batches and at each epoch's end: for files, pipes, CI logs and tests.</summary>
public sealed class PlainProgress(TextWriter log) : ITrainingObserver
{
    readonly ProgressClock _clock = new();
    public TextWriter Log => log;
    public void Started(int epochs, int perEpoch, long startIteration) => _clock.Start(epochs, perEpoch);

    public void Step(int epoch, int batch, StepLosses l)
    {
        var (rate, eta, _) = _clock.Tick(epoch, batch);
        if (batch % 50 == 0 || batch == _clock.PerEpoch)
            log.WriteLine($"epoch {epoch + 1}/{_clock.Epochs} batch {batch}/{_clock.PerEpoch}  {rate:F1} it/s  ETA {eta:hh\\:mm\\:ss}  {ProgressClock.Losses(l)}");
    }

    public void EpochDone(int epoch, TimeSpan took, StepLosses l) => log.WriteLine(_clock.EpochLine(epoch, took, l));
    public void Dispose() { }
}
