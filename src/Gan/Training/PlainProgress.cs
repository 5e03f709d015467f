using Scratch.Gan.Models;

namespace Scratch.Gan.Training;

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
            log.WriteLine($"epoch {epoch + 1}/{_clock.Epochs} batch {batch}/{_clock.PerEpoch}  " +
                $"{rate:F1} it/s  ETA {eta:hh\\:mm\\:ss}  {ProgressClock.Losses(l)}");
    }

    public void EpochDone(int epoch, TimeSpan took, StepLosses l) => log.WriteLine(_clock.EpochLine(epoch, took, l));
    public void Dispose() { }
}
