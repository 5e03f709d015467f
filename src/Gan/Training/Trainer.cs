using System.Diagnostics;
using System.Globalization;
using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Images;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Training;

/// <summary>A loss became NaN or infinite: training stops, and the last good checkpoint stays.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// The training loop. Each iteration takes the next real batch and makes one D (critic) step;
/// every n_critic-th iteration also makes one G step. Each iteration runs inside a MemoryScope, so
/// memory stays flat. Everything random comes from seeded streams — the epoch's shuffle from
/// (seed, epoch), noise from the model's stream, whose position each checkpoint records — so a run
/// that is stopped and resumed writes the same metrics as one that never stopped (on the CPU backend).
/// </summary>
public sealed class Trainer(GanModel model, Mnist data, RunFolder run, TextWriter log)
{
    public long StopAfter { get; init; } = long.MaxValue;   // for tests: stop (with a checkpoint) after this iteration
    /// <summary>Measures G's samples (config.EvalEvery > 0): the metrics appended to the epoch's last metrics row.</summary>
    public Func<GanModel, SetMetrics>? Evaluate { get; init; }
    const int FixedCount = 64;
    readonly Diagnostics _diagnostics = new(Diagnostics.FloorAtZero(model.Config.Loss));
    bool Evaluating => model.Config.EvalEvery > 0 && Evaluate != null;
    readonly Stopwatch _epochClock = new();   // paused while evaluating: epoch times are training times
    TextWriter _log = TextWriter.Null;         // set by Train: the log, or above the progress bar on a terminal

    public void Train(RunFolder.Progress? from)
    {
        var c = model.Config;
        int perEpoch = data.Count / c.BatchSize;
        if (perEpoch == 0) throw new ArgumentException($"--batch-size {c.BatchSize} is larger than the data set ({data.Count} images)");
        var fixedZ = model.Latent(FixedCount, new RandomStream(c.Seed + 0x5EED)).Z;
        using (MemoryScope.Untracked()) fixedZ = new Tensor(fixedZ.Data.Clone());

        long iter = from?.Iteration ?? 0;
        int startEpoch = from?.Epoch ?? 0, startBatch = from?.BatchInEpoch ?? 0;
        var last = new StepLosses(double.NaN, from?.LastG ?? double.NaN, double.NaN, from?.LastInfo ?? double.NaN);
        using var metrics = OpenMetrics(iter);
        using var progress = new ProgressLine(log, c.Epochs, perEpoch, iter);
        _log = progress.Log;
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
                bool read = iter % _readEvery == 0 || b + 1 == perEpoch || iter >= StopAfter || sample || keep;
                using (MemoryScope.Begin())
                {
                    var real = new Tensor(NDArray.From(next.Result, [c.BatchSize, data.Channels, c.ImageSize, c.ImageSize], model.Device));
                    next = NextBatch(order, b + 1);   // gathered while the device runs this step
                    var (dl, w) = model.DStep(real, read);
                    if (read) last = last with { D = dl, Wasserstein = w };
                    if (iter % c.NCritic == 0)
                    {
                        var (gl, info) = model.GStep(c.BatchSize, read);
                        if (read) last = last with { G = gl, Info = info };
                    }
                }
                if (read)
                {
                    Warn(_diagnostics.Observe(iter, last.D, last.G));
                    CheckFinite(iter, last);
                    metrics.WriteLine(RunFolder.MetricsRow(iter, epoch + 1, last) + EvalColumns(iter, b + 1 == perEpoch && (epoch + 1) % Math.Max(1, c.EvalEvery) == 0));
                }
                progress.Update(epoch, b + 1, last);
                var here = new RunFolder.Progress(iter, b + 1 == perEpoch ? epoch + 1 : epoch, (b + 1) % perEpoch, model.Rng.Offset, last.G, last.Info);
                if (sample) SaveGrid(run.Samples(iter), fixedZ);
                if (keep)
                    RunFolder.SaveCheckpoint(Path.Combine(run.Dir, "checkpoints", $"iter-{iter:D6}.safetensors"), model, here);
                if (iter >= StopAfter)
                {
                    RunFolder.SaveCheckpoint(run.LatestCheckpoint, model, here);
                    _log.WriteLine($"stopped after iteration {iter}; resume with --resume");
                    return;
                }
            }
            progress.EpochDone(epoch, clock.Elapsed, last);
            if (firstBatch == 0) File.AppendAllText(run.EpochTimesPath, $"{epoch + 1},{clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)},{MemoryStats.For(model.Device).TakePeakMb().ToString("F1", CultureInfo.InvariantCulture)}\n");
            SaveGrid(run.Fixed(epoch + 1), fixedZ);
            SaveGif(c.Epochs);
            SaveCurves();
            RunFolder.SaveCheckpoint(run.LatestCheckpoint, model, new RunFolder.Progress(iter, epoch + 1, 0, model.Rng.Offset, last.G, last.Info));
        }
    }

    // Reading a loss makes the host wait until the device has finished the step. On the CPU backends
    // that costs nothing, so every iteration is logged; on an ILGPU device it would stall the queue
    // each time, so losses are read (and a metrics row written) every GpuReadEvery-th iteration, at
    // the end of each epoch and before a sample or checkpoint.
    public const int GpuReadEvery = 10;
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

    // Keeps the rows up to the checkpoint (a resumed run rewrites what came after it).
    StreamWriter OpenMetrics(long upTo)
    {
        var lines = File.Exists(run.MetricsPath) ? File.ReadAllLines(run.MetricsPath) : [];
        var keep = lines.Skip(1).Where(l => long.TryParse(l.Split(',')[0], CultureInfo.InvariantCulture, out var i) && i <= upTo);
        var header = RunFolder.MetricsHeader + (Evaluating ? "," + string.Join(",", EvalNames) : "");
        File.WriteAllLines(run.MetricsPath, keep.Prepend(header));
        return new StreamWriter(run.MetricsPath, append: true) { AutoFlush = true };
    }

    static readonly string[] EvalNames = ["is", "fd", "kid", "precision", "recall", "classes_covered", "hist_kl"];

    /// <summary>The evaluation columns of a metrics row: the numbers when due, else empty cells.</summary>
    string EvalColumns(long iter, bool due)
    {
        if (!Evaluating) return "";
        if (!due) return new string(',', EvalNames.Length);
        _epochClock.Stop();
        var m = Evaluate!(model);
        _epochClock.Start();
        _log.WriteLine($"eval at iteration {iter}: IS {m.InceptionScore:F3}, FD {m.Frechet:F3}, KID {m.KidMean:F4}, precision {m.Precision:F3}, recall {m.Recall:F3}, classes covered {m.ClassesCovered}");
        Warn(_diagnostics.ObserveEval(iter, m.ClassesCovered, m.HistogramKl));
        double[] v = [m.InceptionScore, m.Frechet, m.KidMean, m.Precision, m.Recall, m.ClassesCovered, m.HistogramKl];
        return "," + string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>Each new warning: one line in the log, one line in warnings.txt (iteration, kind, message, hint; tab-separated).</summary>
    void Warn(IEnumerable<Warning> warnings)
    {
        foreach (var w in warnings)
        {
            _log.WriteLine(w.ToString());
            File.AppendAllText(run.WarningsPath, w.ToLine() + "\n");
        }
    }

    static void CheckFinite(long iter, StepLosses l)
    {
        if (!double.IsFinite(l.D)) throw new TrainingDivergedException($"training diverged at iteration {iter}: the D loss is {l.D}; the last good checkpoint is kept");
        if (!double.IsNaN(l.G) && !double.IsFinite(l.G)) throw new TrainingDivergedException($"training diverged at iteration {iter}: the G loss is {l.G}; the last good checkpoint is kept");
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

    void SaveCurves()
    {
        var rows = File.ReadAllLines(run.MetricsPath).Skip(1).Select(l => l.Split(',')).ToArray();
        double P(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
        var x = rows.Select(r => P(r[0])).ToArray();
        int w = Math.Max(1, rows.Length / 100);
        var series = new List<(string, double[], double[])>
        {
            ("D loss", x, Curves.Smooth(rows.Select(r => P(r[2])).ToArray(), w)),
            ("G loss", x, Curves.Smooth(rows.Select(r => P(r[3])).ToArray(), w)),
        };
        if (model.Config.Loss is "wgan" or "wgan-gp") series.Add(("Wasserstein estimate", x, Curves.Smooth(rows.Select(r => P(r[4])).ToArray(), w)));
        if (model.Config.Model == "infogan") series.Add(("info loss", x, Curves.Smooth(rows.Select(r => P(r[5])).ToArray(), w)));
        var panel = new List<(string, double[], double[])>();
        if (Evaluating)
            foreach (var (name, col) in new[] { ("inception score", 6), ("Fréchet distance", 7), ("classes covered", 11) })
                if (rows[0].Length > col) panel.Add((name, x, rows.Select(r => P(r[col])).ToArray()));
        Curves.Save(Path.Combine(run.Dir, "curves.png"), series, $"{model.Config.Model} ({model.Config.Loss})", panel: panel);
    }
}

/// <summary>
/// A live progress bar on a terminal (Spectre.Console, Cli/TerminalProgress.cs); plain periodic lines,
/// as before, when output goes to a file, pipe, CI log or test. <see cref="Log"/> is where the trainer's
/// other lines go meanwhile: above the bar on a terminal, else the log itself.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TextWriter _log;
    readonly int _epochs, _perEpoch;
    readonly Cli.TerminalProgress? _bar;
    long _done;
    TimeSpan _lastDraw;

    public ProgressLine(TextWriter log, int epochs, int perEpoch, long startIteration)
    {
        (_log, _epochs, _perEpoch) = (log, epochs, perEpoch);
        if (Cli.Terminal.Interactive && log == Console.Out)
            _bar = new Cli.TerminalProgress($"epoch {startIteration / perEpoch + 1}/{epochs}", (double)epochs * perEpoch, startIteration);
    }

    public TextWriter Log => _bar?.Log ?? _log;

    public void Update(int epoch, int batch, StepLosses l)
    {
        _done++;
        var now = _clock.Elapsed;
        double rate = _done / Math.Max(1e-9, now.TotalSeconds);
        long left = (long)(_epochs - epoch - 1) * _perEpoch + (_perEpoch - batch);
        var eta = TimeSpan.FromSeconds(left / Math.Max(rate, 1e-9));
        string losses = $"D {l.D,7:F4}  G {l.G,7:F4}" + (double.IsNaN(l.Wasserstein) ? "" : $"  W {l.Wasserstein:F4}") + (double.IsNaN(l.Info) ? "" : $"  info {l.Info:F4}");
        if (_bar != null)
        {
            if ((now - _lastDraw).TotalMilliseconds < 100 && batch != _perEpoch) return;
            _lastDraw = now;
            _bar.Update($"epoch {epoch + 1}/{_epochs}", (double)epoch * _perEpoch + batch, $"{rate:F1} it/s  ETA {eta:hh\\:mm\\:ss}  {losses.Replace("  ", " ")}");
        }
        else if (batch % 50 == 0 || batch == _perEpoch)
            _log.WriteLine($"epoch {epoch + 1}/{_epochs} batch {batch}/{_perEpoch}  {rate:F1} it/s  ETA {eta:hh\\:mm\\:ss}  {losses}");
    }

    public void EpochDone(int epoch, TimeSpan took, StepLosses l) =>
        Log.WriteLine($"epoch {epoch + 1}/{_epochs} done in {took.TotalSeconds:F1} s  (D {l.D:F4}, G {l.G:F4})");

    public void Dispose() => _bar?.Dispose();
}
