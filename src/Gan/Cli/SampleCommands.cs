using System.CommandLine;
using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Images;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>`sample`, `interpolate` and `traverse`: pictures from a trained checkpoint.</summary>
public static class SampleCommands
{
    /// <summary>The options the three verbs share; each verb gets its own set (an option belongs to one command).</summary>
    sealed class FromCheckpoint
    {
        public readonly Option<string?> Checkpoint = Opt.Text("--checkpoint",
            "(required) a checkpoint of a run: RUN/checkpoints/latest.safetensors or an iter-*.safetensors", "FILE");
        public readonly Option<int> Seed = Opt.Int("--seed", "seed of the latents", 1, min: 0);
        public readonly Option<string?> Device = Opt.Device();
        public Command Add(Command c) { c.Add(Checkpoint); c.Add(Seed); c.Add(Device); return c; }
    }

    static readonly FromCheckpoint SampleFrom = new(), InterpolateFrom = new(), TraverseFrom = new();
    static readonly Option<int> SampleN = Opt.Int("--n", "how many samples", 64);
    static readonly Option<string> Format = Opt.Choice("--format", "a PNG grid, or an IDX file ([N, H, W] grey, [N, 3, H, W] colour)",
        "png", "png", "idx");
    static readonly Option<string?> SampleOut = Opt.Text("--out",
        "the file to write [default: samples.png, or samples-idx3-ubyte with --format idx]", "FILE");
    static readonly Option<int> Pairs = Opt.Int("--pairs", "pairs of latents, each drawn as a linear and a spherical row", 4);
    static readonly Option<int> Steps = Opt.Int("--steps", "pictures per row", 10, min: 2);
    static readonly Option<string> InterpolateOut = Opt.Text("--out", "the PNG to write", "FILE", "interpolate.png");
    static readonly Option<int> Columns = Opt.Int("--columns", "pictures per row (the values of a continuous code from -2 to 2)", 10, min: 2);
    static readonly Option<string> TraverseOut = Opt.Text("--out", "the folder for categorical.png, continuous-1.png and continuous-2.png",
        "DIR", "traverse");

    public static Command DefineSample() =>
        Verb(SampleFrom.Add(new Command("sample", "draw samples from a checkpoint into a PNG grid or an IDX file") { SampleN, Format, SampleOut }),
            Sample);

    public static Command DefineInterpolate() =>
        Verb(InterpolateFrom.Add(new Command("interpolate", "walk between pairs of latents: a straight line, then the great circle (slerp)")
            { Pairs, Steps, InterpolateOut }), Interpolate);

    public static Command DefineTraverse() =>
        Verb(TraverseFrom.Add(new Command("traverse", "InfoGAN's Figure 2: vary each code of an infogan checkpoint") { Columns, TraverseOut }),
            Traverse);

    static Command Verb(Command c, Func<ParseResult, int> run) { c.SetAction(run); return c; }

    /// <summary>What to pass instead of a folder: its own latest checkpoint if it is a run, else that of the newest run inside it.</summary>
    static string CheckpointIn(string dir)
    {
        var own = Path.Combine(dir, "checkpoints", "latest.safetensors");
        if (File.Exists(own)) return $"for a run folder: {own}";
        var newest = Directory.GetDirectories(dir).Select(d => Path.Combine(d, "checkpoints", "latest.safetensors"))
            .Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        return newest != null ? $"the newest run in it: {newest}" : "RUN/checkpoints/latest.safetensors; no run folder is in it";
    }

    static GanModel Load(ParseResult p, FromCheckpoint o)
    {
        var path = p.GetValue(o.Checkpoint) ?? throw new UsageException("--checkpoint is required (a checkpoints/*.safetensors file of a run)");
        if (Directory.Exists(path))
            throw new UsageException($"--checkpoint: '{path}' is a folder; pass a checkpoint file ({CheckpointIn(path)})");
        if (!File.Exists(path)) throw new UsageException($"--checkpoint: '{path}' does not exist");
        var config = RunFolder.ReadConfig(path);
        var gan = new GanModel(config, Program.DeviceOption(p.GetValue(o.Device) ?? "auto"));
        RunFolder.LoadCheckpoint(path, gan);
        return gan;
    }

    const int MaxGrid = 4096;

    public static int Sample(ParseResult p)
    {
        var format = p.GetValue(Format)!;
        int n = p.GetValue(SampleN);
        var seed = (ulong)p.GetValue(SampleFrom.Seed);
        var outPath = p.GetValue(SampleOut) ?? (format == "png" ? "samples.png" : "samples-idx3-ubyte");
        var gan = Load(p, SampleFrom);
        if (format == "png" && n > MaxGrid)
            throw new UsageException($"--n: a PNG grid holds at most {MaxGrid} samples (got {n}); use --format idx for more");
        if (Directory.Exists(outPath))
            throw new UsageException($"--out: '{outPath}' is a folder; give a file name (for example {Path.Combine(outPath,
                format == "png" ? "samples.png" : "samples-idx3-ubyte")})");
        var g = new RandomStream(seed);
        int s = gan.Config.ImageSize, ch = gan.Config.Channels;
        var values = new float[n * ch * s * s];
        for (int at = 0; at < n; at += 500)   // in chunks, so memory stays small for large n
            using (MemoryScope.Begin())
                gan.Generate(gan.Latent(Math.Min(500, n - at), g).Z).ToArray<float>().CopyTo(values, at * ch * s * s);
        if (format == "png") Grid.SavePng(outPath, NDArray.From(values, [n, ch, s, s], Device.Cpu), (int)Math.Ceiling(Math.Sqrt(n)));
        else
        {
            var pixels = values.Select(Grid.ToByte).ToArray();
            // Grey samples are the standard MNIST layout [N, H, W]; colour ones keep the channel axis, [N, 3, H, W].
            if (ch == 1) Idx.WriteImages(outPath, n, s, s, pixels);
            else Idx.Write(outPath, [n, ch, s, s], pixels);
        }
        Console.WriteLine($"wrote {n} samples to {outPath}");
        return 0;
    }

    /// <summary>Rows of pairs: a straight line between two latents, then the great-circle (slerp) path.</summary>
    public static int Interpolate(ParseResult parse)
    {
        int steps = parse.GetValue(Steps), pairs = parse.GetValue(Pairs);
        var seed = (ulong)parse.GetValue(InterpolateFrom.Seed);
        var outPath = parse.GetValue(InterpolateOut)!;
        if (2L * pairs * steps > MaxGrid)
            throw new UsageException($"--pairs {pairs} × 2 rows × --steps {steps} is more than the {MaxGrid} pictures a grid holds");
        var gan = Load(parse, InterpolateFrom);
        var g = new RandomStream(seed);
        var rows = new List<double[]>();
        for (int p = 0; p < pairs; p++)
        {
            var z0 = gan.Latent(1, g).Z.ToDoubles(); var z1 = gan.Latent(1, g).Z.ToDoubles();
            for (int t = 0; t < steps; t++) rows.Add(Lerp(z0, z1, t / (steps - 1.0)));
            for (int t = 0; t < steps; t++) rows.Add(Slerp(z0, z1, t / (steps - 1.0)));
        }
        var z = new Tensor(NDArray.From(rows.SelectMany(r => r).ToArray(), [rows.Count, gan.LatentDim], DType.Float32, gan.Device));
        Grid.SavePng(outPath, gan.Generate(z), steps);
        Console.WriteLine($"wrote {pairs} pairs × (linear, spherical) rows of {steps} steps to {outPath}");
        return 0;
    }

    public static double[] Lerp(double[] a, double[] b, double t) => a.Zip(b, (x, y) => (1 - t) * x + t * y).ToArray();

    /// <summary>Spherical interpolation: constant angular speed along the great circle, as for Gaussian latents.</summary>
    public static double[] Slerp(double[] a, double[] b, double t)
    {
        double na = Math.Sqrt(a.Sum(x => x * x)), nb = Math.Sqrt(b.Sum(x => x * x));
        double cos = Math.Clamp(a.Zip(b, (x, y) => x * y).Sum() / (na * nb), -1, 1), omega = Math.Acos(cos);
        if (omega < 1e-6) return Lerp(a, b, t);
        double s = Math.Sin(omega);
        return a.Zip(b, (x, y) => Math.Sin((1 - t) * omega) / s * x + Math.Sin(t * omega) / s * y).ToArray();
    }

    /// <summary>InfoGAN's Figure 2: (a) one row per categorical value; (c), (d) each continuous code swept from −2 to 2.</summary>
    public static int Traverse(ParseResult p)
    {
        var outDir = p.GetValue(TraverseOut)!;
        int cols = p.GetValue(Columns);
        var seed = (ulong)p.GetValue(TraverseFrom.Seed);
        var gan = Load(p, TraverseFrom);
        if (gan.Config.Model != ModelKind.InfoGan)
            throw new UsageException($"traverse needs an infogan checkpoint; this one is {Setting.Name(gan.Config.Model)}");
        if (File.Exists(outDir))
            throw new UsageException($"--out: '{outDir}' is a file; traverse writes three pictures into a folder (it is created if missing)");
        int nz = gan.Config.NoiseDim, k = InfoGanD.Categories, m = InfoGanD.Continuous;
        var noise = gan.Noise(cols, new RandomStream(seed)).ToDoubles();
        double[] Code(int col, int cat, double c1, double c2)
        {
            var z = new double[nz + k + m];
            Array.Copy(noise, col * nz, z, 0, nz);
            z[nz + cat] = 1; z[nz + k] = c1; z[nz + k + 1] = c2;
            return z;
        }
        void Save(string name, IEnumerable<double[]> codes)
        {
            var list = codes.ToList();
            var z = new Tensor(NDArray.From(list.SelectMany(r => r).ToArray(), [list.Count, nz + k + m], DType.Float32, gan.Device));
            Grid.SavePng(Path.Combine(outDir, name), gan.Generate(z), cols);
        }
        Directory.CreateDirectory(outDir);
        Save("categorical.png", from cat in Enumerable.Range(0, k) from col in Enumerable.Range(0, cols) select Code(col, cat, 0, 0));
        double V(int col) => -2 + 4.0 * col / (cols - 1);
        Save("continuous-1.png", from cat in Enumerable.Range(0, k) from col in Enumerable.Range(0, cols) select Code(0, cat, V(col), 0));
        Save("continuous-2.png", from cat in Enumerable.Range(0, k) from col in Enumerable.Range(0, cols) select Code(0, cat, 0, V(col)));
        Console.WriteLine($"wrote categorical.png, continuous-1.png and continuous-2.png to {outDir}");
        return 0;
    }
}
