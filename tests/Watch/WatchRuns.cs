using Scratch.Gan.Evaluation;
using Scratch.Gan.Images;
using Scratch.Gan.Training.Events;

namespace Scratch.Tests.Watch;

/// <summary>Run folders as a training leaves them, made in a moment: event files of scalars and grids, and the files beside them.</summary>
static class WatchRuns
{
    public static string Tmp() => TempDirs.New("scratch-watch-").FullName;

    /// <summary>A grey 28×56 PNG of one shade: something a browser can decode.</summary>
    public static byte[] Png(byte shade) => ImageFile.EncodePng(Enumerable.Repeat(shade, 28 * 56).ToArray(), 56, 28, 1);

    /// <summary>
    /// A run with losses at steps 1..steps under two tags and a fixed-latent grid per 10 steps, as image
    /// events when <paramref name="gridsAsEvents"/>, else as the trainer's fixed/epoch-NNN.png files.
    /// The writer is returned open, so a test can append to the live run.
    /// </summary>
    public static EventFileWriter Run(string dir, int steps, bool gridsAsEvents, double offset = 0)
    {
        var writer = new EventFileWriter(dir);
        for (int s = 1; s <= steps; s++)
        {
            writer.Scalars(s, ("loss/d", 1.0 / s + offset), ("loss/g", 2.0 - 1.0 / s + offset));
            if (s % 10 != 0) continue;
            if (gridsAsEvents) writer.Image("fixed", s / 10, Png((byte)(25 * s / 10)), 56, 28, 1);
            else
            {
                Directory.CreateDirectory(Path.Combine(dir, "fixed"));
                File.WriteAllBytes(Path.Combine(dir, "fixed", $"epoch-{s / 10:D3}.png"), Png((byte)(25 * s / 10)));
            }
        }
        writer.Flush();
        return writer;
    }

    /// <summary>An eval.json as `scratch eval --out` writes it, with an Inception score to find on the page.</summary>
    public static string EvalJson(double inceptionScore)
    {
        var protocol = new EvalProtocol(100, 1, 8000, 2000, 100, 100, 3, "the classifier's 128 penultimate activations",
            "embedded MNIST", "embedded");
        SetMetrics Set(double score) => new(100, score, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10], 10, 0.01, 12.5, 0.5, 0.1, 0.9, 0.8);
        return new EvalReport("run/checkpoints/latest.safetensors", "dcgan", 1, 469, protocol, Set(inceptionScore), Set(9.59), null).ToJson();
    }

    /// <summary>Every file under a folder with its length and write time: what "the page never writes" is checked against.</summary>
    public static Dictionary<string, (long, DateTime)> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));
}
