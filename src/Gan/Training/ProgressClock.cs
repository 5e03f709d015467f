using Scratch.Gan.Models;

namespace Scratch.Gan.Training;

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
        $"D {l.D,7:F4}  G {l.G,7:F4}" + (double.IsNaN(l.Wasserstein) ? "" : $"  W {l.Wasserstein:F4}") +
            (double.IsNaN(l.Info) ? "" : $"  info {l.Info:F4}");

    public string EpochLine(int epoch, TimeSpan took, StepLosses l) =>
        $"epoch {epoch + 1}/{Epochs} done in {took.TotalSeconds:F1} s  (D {l.D:F4}, G {l.G:F4})";
}
