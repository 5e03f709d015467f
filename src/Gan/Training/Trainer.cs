using Scratch.Layers;
using System.Diagnostics;
using System.Globalization;
using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Images;
using Scratch.Gan.Models;
using Scratch.Gan.Training.Events;
using Scratch.Tensors;

namespace Scratch.Gan.Training;

/// <summary>A loss became NaN or infinite: training stops, and the last good checkpoint stays.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>How a call to <see cref="Trainer.Train"/> ended (a diverged run throws instead).</summary>
public enum TrainingEnd { Finished, Stopped, Interrupted, OutOfTime, IterationsDone }

/// <summary>
/// The training loop. Each iteration takes the next real batch and makes one D (critic) step;
/// the iterations that <see cref="CriticCadence"/> names (every n_critic-th, or the WGAN warm-up's
/// schedule) also make one G step. Each iteration runs inside a MemoryScope, so
/// memory stays flat. Everything random comes from seeded streams — the epoch's shuffle from
/// (seed, epoch), noise from the model's stream, whose position each checkpoint records — so a run
/// that is stopped and resumed writes the same metrics as one that never stopped (on the CPU backend).
/// Progress goes to an <see cref="ITrainingObserver"/>, which the command line implements.
/// </summary>
public sealed class Trainer(GanModel model, ImageSet data, RunFolder run, ITrainingObserver progress)
{
    public long StopAfter { get; init; } = long.MaxValue;   // for tests: stop (with a checkpoint) after this iteration
    /// <summary>Ctrl-C: training ends after the current iteration, with a checkpoint to resume from.</summary>
    public CancellationToken Interrupt { get; init; }
    /// <summary>
    /// --minutes: the first iteration that starts after this call has trained this many minutes is its
    /// last (so the budget overshoots by at most one step), and training ends saving what an epoch's end saves. Evaluations (--eval-every) are not
    /// counted, so the budget buys the same training with or without them. A resumed run starts a fresh budget.
    /// </summary>
    public double BudgetMinutes { get; init; } = double.PositiveInfinity;
    /// <summary>
    /// --iterations: the run's iteration this many, counted from its start (so a resumed run trains up to it), is its
    /// last, and training ends saving what an epoch's end saves — as a spent <see cref="BudgetMinutes"/> does.
    /// </summary>
    public long MaxIterations { get; init; } = long.MaxValue;
    /// <summary>The time source of the budget; tests pass a fake one, so a budget test cannot depend on the machine's load.</summary>
    public Func<TimeSpan> Now { get; init; } = WallClock();
    static Func<TimeSpan> WallClock() { var w = Stopwatch.StartNew(); return () => w.Elapsed; }
    /// <summary>Measures G's samples (config.EvalEvery > 0): the metrics appended to the epoch's last metrics row.</summary>
    public Func<GanModel, EvalScores>? Evaluate { get; init; }
    const int FixedCount = 64;
    readonly CriticCadence _cadence = new(model.Config);
    readonly Diagnostics _diagnostics = new(Diagnostics.FloorAtZero(model.Config.Loss));
    bool Evaluating => model.Config.EvalEvery > 0 && Evaluate != null;
    readonly Stopwatch _epochClock = new();   // paused while evaluating: epoch times are training times
    TimeSpan _started, _evaluating;            // on the budget's clock (Now): when Train began, time spent evaluating since
    bool BudgetSpent => (Now() - _started - _evaluating).TotalMinutes >= BudgetMinutes;
    TextWriter Log => progress.Log;
    MetricsLog _metrics = null!;               // opened by Train
    TrainingEvents _events = null!;            // a new TensorBoard event file, opened by Train

    public TrainingEnd Train(RunFolder.Progress? from)
    {
        var c = model.Config;
        int perEpoch = data.Count / c.BatchSize;
        if (perEpoch == 0) throw new ArgumentException($"--batch-size {c.BatchSize} is larger than the data set ({data.Count} images)");
        var fixedZ = model.Latent(FixedCount, new RandomStream(c.Seed + 0x5EED)).Z;
        using (MemoryScope.Untracked()) fixedZ = new Tensor(fixedZ.Data.Clone());

        long iter = from?.Iteration ?? 0;
        var last = new StepLosses(double.NaN, from?.LastG ?? double.NaN, double.NaN, from?.LastInfo ?? double.NaN);
        var header = RunFolder.MetricsHeader.Split(',').Concat(Evaluating ? EvalScores.Columns : []).ToList();
        _metrics = new MetricsLog(run.MetricsPath, header, iter);   // keeps the rows up to the checkpoint: a resumed run rewrites what came after it
        progress.Started(c.Epochs, perEpoch, iter);
        _started = Now();
        using (_events = new TrainingEvents(run.Dir, model, iter))   // closed, so flushed, whatever ends training
        {
            try { return Epochs(from, perEpoch, fixedZ, iter, last); }
            finally { _metrics.Save(); }   // whatever ends training, the rows read so far are on disk
        }
    }

    TrainingEnd Epochs(RunFolder.Progress? from, int perEpoch, Tensor fixedZ, long iter, StepLosses last)
    {
        var c = model.Config;
        int startEpoch = from?.Epoch ?? 0, startBatch = from?.BatchInEpoch ?? 0;
        bool ending = false, countDone = false;   // the iteration that starts is the last: time spent, or --iterations reached
        for (int epoch = startEpoch; epoch < c.Epochs; epoch++)
        {
            var order = new RandomStream(c.Seed * 31 + (ulong)epoch + 1).Permutation(data.Count);
            var clock = _epochClock;
            clock.Restart();
            int firstBatch = epoch == startEpoch ? startBatch : 0;
            var next = NextBatch(order, firstBatch);
            for (int b = firstBatch; b < perEpoch; b++)
            {
                iter++;
                bool sample = c.SampleEvery > 0 && iter % c.SampleEvery == 0, keep = c.CheckpointEvery > 0 && iter % c.CheckpointEvery == 0;
                bool stop = iter >= StopAfter || Interrupt.IsCancellationRequested;
                countDone = !stop && iter >= MaxIterations;
                ending = !stop && (countDone || BudgetSpent);   // decided as the iteration starts, so its losses are read for the last metrics row
                bool read = iter % _readEvery == 0 || b + 1 == perEpoch || stop || ending || sample || keep;
                bool norms = read && (iter % GradNormEvery == 0 || b + 1 == perEpoch);
                using (MemoryScope.Begin())
                {
                    var real = new Tensor(NDArray.From(next.Result, [c.BatchSize, data.Channels, c.ImageSize, c.ImageSize], model.Device));
                    next = NextBatch(order, b + 1);   // gathered while the device runs this step
                    var d = model.DStep(real, read, norms, iter);
                    if (read)
                        last = last with { D = d.Loss, Wasserstein = d.Wasserstein, DReal = d.Real, DFake = d.Fake, GradNormD = d.GradNorm,
                            Penalty = d.Penalty };
                    if (_cadence.EndsWithGStep(iter))
                    {
                        var g = model.GStep(c.BatchSize, read, norms);
                        if (read) last = last with { G = g.Loss, Info = g.Info, GradNormG = g.GradNorm };
                    }
                }
                if (read)
                {
                    Warn(_diagnostics.Observe(iter, last.D, last.G));
                    CheckFinite(iter, last);
                    _metrics.Add(RunFolder.MetricsRow(iter, epoch + 1, last) +
                        EvalColumns(iter, b + 1 == perEpoch && (epoch + 1) % Math.Max(1, c.EvalEvery) == 0));
                }
                progress.Step(epoch, b + 1, last);
                _events.Iteration(iter, last, read);
                var here = new RunFolder.Progress(iter, b + 1 == perEpoch ? epoch + 1 : epoch, (b + 1) % perEpoch, model.Rng.Offset,
                    last.G, last.Info);
                if (sample) SaveGrid(run.Samples(iter), fixedZ);
                if (keep)
                {
                    _metrics.Save();
                    RunFolder.SaveCheckpoint(Path.Combine(run.Dir, "checkpoints", $"iter-{iter:D6}.safetensors"), model, here);
                }
                if (stop)
                {
                    _metrics.Save();
                    RunFolder.SaveCheckpoint(run.LatestCheckpoint, model, here);
                    bool interrupted = iter < StopAfter;
                    Log.WriteLine($"{(interrupted ? "interrupted" : "stopped")} after iteration {iter}; resume with --resume");
                    return interrupted ? TrainingEnd.Interrupted : TrainingEnd.Stopped;
                }
                if (ending && b + 1 < perEpoch)
                {
                    // Mid-epoch: what the epoch's end saves, the fixed grid under the epoch in progress
                    // (a resume that finishes the epoch replaces it).
                    SaveEpochEnd(epoch, fixedZ, here);
                    return EndEarly(iter, countDone);
                }
                if (ending) break;   // the epoch's last batch: its end, below, saves everything
            }
            progress.EpochDone(epoch, clock.Elapsed, last);
            double peakMb = MemoryStats.For(model.Device).TakePeakMb();
            var ci = CultureInfo.InvariantCulture;
            if (firstBatch == 0)
                AtomicFile.AppendText(run.EpochTimesPath,
                    $"{epoch + 1},{clock.Elapsed.TotalSeconds.ToString("F3", ci)},{peakMb.ToString("F1", ci)}\n");
            SaveEpochEnd(epoch, fixedZ, new RunFolder.Progress(iter, epoch + 1, 0, model.Rng.Offset, last.G, last.Info));
            _events.EpochDone(iter, firstBatch == 0 ? clock.Elapsed.TotalSeconds : double.NaN, peakMb, run.Fixed(epoch + 1));
            if (ending && epoch + 1 < c.Epochs) return EndEarly(iter, countDone);
        }
        return TrainingEnd.Finished;
    }

    /// <summary>What an epoch's end saves: its fixed grid, the progress GIF, curves.png, metrics.csv and the latest checkpoint.</summary>
    void SaveEpochEnd(int epoch, Tensor fixedZ, RunFolder.Progress here)
    {
        SaveGrid(run.Fixed(epoch + 1), fixedZ);
        SaveGif(model.Config.Epochs);
        SaveCurves();
        _metrics.Save();
        RunFolder.SaveCheckpoint(run.LatestCheckpoint, model, here);
    }

    TrainingEnd EndEarly(long iter, bool countDone)
    {
        if (countDone)
        {
            Log.WriteLine($"iteration {iter} reached (--iterations)");
            return TrainingEnd.IterationsDone;
        }
        Log.WriteLine($"time budget of {BudgetMinutes.ToString("0.###", CultureInfo.InvariantCulture)} min spent after iteration {iter}");
        return TrainingEnd.OutOfTime;
    }

    // Reading a loss makes the host wait until the device has finished the step. On the CPU backends
    // that costs nothing, so every iteration is logged; on an ILGPU device it would stall the queue
    // each time, so losses are read (and a metrics row written) every GpuReadEvery-th iteration, at
    // the end of each epoch and before a sample or checkpoint.
    public const int GpuReadEvery = 10;
    // The gradients' norms take a pass over every gradient: they are read every GradNormEvery-th
    // iteration and at each epoch's end (a slow signal; docs/watching.md measures the cost).
    public const int GradNormEvery = 10;
    readonly int _readEvery = model.Device.Kind is DeviceKind.Cpu or DeviceKind.Reference ? 1 : GpuReadEvery;

    // The host side of batch b (index gather, scaling, resizing) runs on a worker thread while the
    // device works on the step before it. On the CPU backends the step already uses every core, so
    // there it is made on the training thread.
    Task<float[]> NextBatch(int[] order, int b)
    {
        int n = model.Config.BatchSize, size = model.Config.ImageSize;
        if (b * n + n > order.Length) return Task.FromResult(Array.Empty<float>());
        float[] Make() => data.BatchPixels(order.AsSpan(b * n, n), size);
        return _readEvery == 1 ? Task.FromResult(Make()) : Task.Run(Make);
    }

    /// <summary>The evaluation columns of a metrics row: the numbers when due, else empty cells.</summary>
    string EvalColumns(long iter, bool due)
    {
        if (!Evaluating) return "";
        if (!due) return new string(',', EvalScores.Columns.Length);
        _epochClock.Stop();
        var began = Now();
        var m = Evaluate!(model);
        _evaluating += Now() - began;
        _epochClock.Start();
        Log.WriteLine(m.Describe(iter));
        _events.Eval(iter, m);
        Warn(_diagnostics.ObserveEval(iter, m.ClassesCovered, m.HistogramKl));
        return "," + string.Join(",", m.Cells);
    }

    /// <summary>Each new warning: one line in the log, one line in warnings.txt (iteration, kind, message, hint; tab-separated).</summary>
    void Warn(IEnumerable<Warning> warnings)
    {
        foreach (var w in warnings)
        {
            Log.WriteLine(w.ToString());
            AtomicFile.AppendText(run.WarningsPath, w.ToLine() + "\n");
        }
    }

    static void CheckFinite(long iter, StepLosses l)
    {
        if (!double.IsFinite(l.D))
            throw new TrainingDivergedException($"training diverged at iteration {iter}: the D loss is {l.D}; the last good checkpoint is kept");
        if (!double.IsNaN(l.G) && !double.IsFinite(l.G))
            throw new TrainingDivergedException($"training diverged at iteration {iter}: the G loss is {l.G}; the last good checkpoint is kept");
    }

    void SaveGrid(string path, Tensor z)
    {
        using (MemoryScope.Begin()) Grid.SavePng(path, model.Generate(z), 8);
    }

    void SaveGif(int epochs)
    {
        var frames = Enumerable.Range(1, epochs).Select(run.Fixed).Where(File.Exists).ToList();
        if (frames.Count == 0) return;
        // Each epoch's grid, drawn from the same fixed latents, becomes one frame.
        int channels = model.Config.Channels;
        var decoded = new List<byte[]>();
        int w = 0, h = 0;
        foreach (var f in frames)
        {
            var (rgb, fw, fh) = ImageFile.ReadRgb(f);
            decoded.Add(channels == 3 ? rgb : rgb.Where((_, i) => i % 3 == 0).ToArray());   // a grey PNG decodes to R = G = B
            (w, h) = (fw, fh);
        }
        Gif.Save(Path.Combine(run.Dir, "fixed", "progress.gif"), decoded, w, h, channels, 60);
    }

    /// <summary>curves.png from metrics.csv's columns, found by their names.</summary>
    void SaveCurves()
    {
        var m = _metrics;
        var x = m.Column("iteration")!;
        int w = Math.Max(1, m.Count / 100);
        var series = new List<(string, double[], double[])>
        {
            ("D loss", x, Curves.Smooth(m.Column("d_loss")!, w)),
            ("G loss", x, Curves.Smooth(m.Column("g_loss")!, w)),
        };
        if (Zoo.IsCritic(model.Config.Loss)) series.Add(("Wasserstein estimate", x, Curves.Smooth(m.Column("wasserstein")!, w)));
        if (model.Config.Model == ModelKind.InfoGan) series.Add(("info loss", x, Curves.Smooth(m.Column("info_loss")!, w)));
        var panel = new List<(string, double[], double[])>();
        foreach (var (name, column) in new[] { ("inception score", "is"), ("Fréchet distance", "fd"), ("classes covered", "classes_covered") })
            if (m.Column(column) is { } y) panel.Add((name, x, y));
        Curves.Save(Path.Combine(run.Dir, "curves.png"), series, $"{Setting.Name(model.Config.Model)} ({Setting.Name(model.Config.Loss)})",
            panel: panel);
    }
}
