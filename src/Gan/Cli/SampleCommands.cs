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
    static GanModel Load(Args a)
    {
        var path = a.Str("checkpoint") ?? throw new UsageException("--checkpoint is required (a checkpoints/*.safetensors file of a run)");
        if (Directory.Exists(path))
            throw new UsageException($"--checkpoint: '{path}' is a folder; pass a checkpoint file (for a run folder: {Path.Combine(path, "checkpoints", "latest.safetensors")})");
        if (!File.Exists(path)) throw new UsageException($"--checkpoint: '{path}' does not exist");
        var config = RunFolder.ReadConfig(path);
        var gan = new GanModel(config, Program.DeviceOption(a.Str("device") ?? "auto"));
        RunFolder.LoadCheckpoint(path, gan);
        return gan;
    }

    const int MaxGrid = 4096;

    public static int Sample(Args a)
    {
        var format = a.Choice("format", "png", "png", "idx");
        int n = a.Int("n", 64);
        var seed = (ulong)a.Int("seed", 1, min: 0);
        var outPath = a.Str("out", format == "png" ? "samples.png" : "samples-idx3-ubyte");
        var gan = Load(a);
        a.Done(1);
        if (format == "png" && n > MaxGrid) throw new UsageException($"--n: a PNG grid holds at most {MaxGrid} samples (got {n}); use --format idx for more");
        if (Directory.Exists(outPath)) throw new UsageException($"--out: '{outPath}' is a folder; give a file name (for example {Path.Combine(outPath, format == "png" ? "samples.png" : "samples-idx3-ubyte")})");
        var g = new Generator(seed);
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
    public static int Interpolate(Args a)
    {
        int steps = a.Int("steps", 10, min: 2), pairs = a.Int("pairs", 4);
        var seed = (ulong)a.Int("seed", 1, min: 0);
        var outPath = a.Str("out", "interpolate.png");
        if (2L * pairs * steps > MaxGrid) throw new UsageException($"--pairs {pairs} × 2 rows × --steps {steps} is more than the {MaxGrid} pictures a grid holds");
        var gan = Load(a);
        a.Done(1);
        var g = new Generator(seed);
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
    public static int Traverse(Args a)
    {
        var outDir = a.Str("out", "traverse");
        int cols = a.Int("columns", 10, min: 2);
        var seed = (ulong)a.Int("seed", 1, min: 0);
        var gan = Load(a);
        a.Done(1);
        if (gan.Config.Model != "infogan") throw new UsageException($"traverse needs an infogan checkpoint; this one is {gan.Config.Model}");
        if (File.Exists(outDir)) throw new UsageException($"--out: '{outDir}' is a file; traverse writes three pictures into a folder (it is created if missing)");
        int nz = gan.Config.NoiseDim, k = InfoGanD.Categories, m = InfoGanD.Continuous;
        var noise = gan.Noise(cols, new Generator(seed)).ToDoubles();
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
