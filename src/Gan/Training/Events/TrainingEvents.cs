using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Scratch.Gan.Images;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Training.Events;

/// <summary>
/// What training writes to its event file, and when: the step's signals at every iteration whose
/// losses were read; speed every <see cref="FlushEvery"/> iterations, when the file is flushed; at each
/// epoch's end its time and memory peak, the fixed-latent grid (and InfoGAN's categorical traversal),
/// and a histogram of every layer's weights and gradients; the evaluation metrics when they are
/// measured; the config as text once. Tags are the same for every model (docs/watching.md lists them).
/// Each Trainer.Train opens a new file, so a resumed run adds one beside the first.
/// </summary>
public sealed class TrainingEvents : IDisposable
{
    /// <summary>Iterations between flushes: a reader (TensorBoard, `scratch watch`) sees the run at most this far behind.</summary>
    public const int FlushEvery = 50;
    /// <summary>
    /// And at least this often: a slow run (a big model, a busy machine) still shows each record within about
    /// a second plus one step, as `scratch watch` promises. A flush is one write call: once a second costs nothing.
    /// </summary>
    public static readonly TimeSpan FlushAfter = TimeSpan.FromSeconds(1);
    readonly Stopwatch _sinceFlush = Stopwatch.StartNew();
    readonly EventFileWriter _writer;
    readonly GanModel _model;
    readonly Stopwatch _window = Stopwatch.StartNew();
    long _windowStart;

    public string Path => _writer.Path;

    public TrainingEvents(string runDir, GanModel model, long startIteration)
    {
        _model = model;
        _writer = new EventFileWriter(runDir);
        _windowStart = startIteration;
        // Markdown: a code block keeps the JSON's layout in TensorBoard's text tab.
        _writer.Text("config", startIteration, "```json\n" + model.Config.ToJson() + "\n```");
        Flush();
    }

    /// <summary>
    /// The iteration's signals (only the ones measured: NaN is left out); flushes every <see cref="FlushEvery"/> iterations
    /// or <see cref="FlushAfter"/>, whichever comes first.
    /// </summary>
    public void Iteration(long iter, StepLosses l, bool read)
    {
        if (read)
            _writer.Scalars(iter, ("loss/d", l.D), ("loss/g", l.G), ("d/real", l.DReal), ("d/fake", l.DFake),
                ("grad_norm/d", l.GradNormD), ("grad_norm/g", l.GradNormG), ("wgan/wasserstein", l.Wasserstein), ("wgan/penalty", l.Penalty),
                ("info/loss", l.Info));
        if (iter % FlushEvery == 0)
        {
            _writer.Scalar("speed/it_per_s", iter, (iter - _windowStart) / Math.Max(1e-9, _window.Elapsed.TotalSeconds));
            Flush();
            _windowStart = iter;
            _window.Restart();
        }
        else if (_sinceFlush.Elapsed >= FlushAfter) Flush();
    }

    void Flush()
    {
        _writer.Flush();
        _sinceFlush.Restart();
    }

    /// <summary>The evaluation metrics measured at this iteration.</summary>
    public void Eval(long iter, EvalScores m)
    {
        var values = EvalScores.Columns.Zip(m.Cells, (c, v) => ("eval/" + c, double.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        _writer.Scalars(iter, values);
    }

    /// <summary>
    /// The end of an epoch: its seconds (NaN for an epoch resumed part-way, whose time is not an epoch's)
    /// and memory peak, its pictures, the layers' histograms; then a flush.
    /// </summary>
    public void EpochDone(long iter, double seconds, double peakMb, string fixedGridPng)
    {
        _writer.Scalars(iter, ("time/epoch_s", seconds), ("memory/peak_mb", peakMb));
        if (File.Exists(fixedGridPng)) Image("samples/fixed", iter, File.ReadAllBytes(fixedGridPng));
        if (_model.Config.Model == ModelKind.InfoGan)
            using (MemoryScope.Begin())
            {
                var (pixels, w, h, c) = Grid.Make(
                    _model.Generate(_model.CategoricalTraversal(TraversalColumns, new RandomStream(_model.Config.Seed + 0x7EA5))), TraversalColumns);
                _writer.Image("infogan/traversal", iter, ImageFile.EncodePng(pixels, w, h, c), w, h, c);
            }
        Histograms("G", _model.G, iter);
        Histograms("D", _model.D, iter);
        Flush();
        // Epoch-end work (pictures, checkpoint, evaluation) is not training speed: the next window starts after it.
        _windowStart = iter;
        _window.Restart();
    }

    const int TraversalColumns = 10;

    /// <summary>
    /// weights/&lt;net&gt;.&lt;layer&gt; and grads/&lt;net&gt;.&lt;layer&gt; for every parameter (a gradient only once one exists).
    /// </summary>
    void Histograms(string net, Module m, long iter)
    {
        foreach (var (name, p) in m.NamedParameters())
        {
            _writer.Histogram($"weights/{net}.{name}", iter, p.Data.ToArray<float>());
            if (p.Grad != null) _writer.Histogram($"grads/{net}.{name}", iter, p.Grad.Data.ToArray<float>());
        }
    }

    /// <summary>A PNG with its size and channels read from its header (IHDR: width, height, then the colour type).</summary>
    void Image(string tag, long iter, byte[] png)
    {
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int channels = png[25] switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };   // grey, grey + alpha, RGB; RGBA (6) or a palette shown as RGBA
        _writer.Image(tag, iter, png, width, height, channels);
    }

    public void Dispose() => _writer.Dispose();
}
