using System.Reflection;
using Scratch.Tensors;

namespace Scratch.Gan.Data;

/// <summary>
/// An image data set in memory: N grey images as bytes, and their labels. Loaded from the embedded
/// MNIST subset, or from a folder of standard IDX files (MNIST or Fashion-MNIST file names).
/// </summary>
public sealed class Mnist
{
    public int Count { get; }
    public int Rows { get; }
    public int Cols { get; }
    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public string Source { get; }

    Mnist(Idx.Images images, byte[] labels, string source)
    {
        if (labels.Length != images.Count)
            throw new InvalidDataException($"{source}: {images.Count} images but {labels.Length} labels");
        Count = images.Count; Rows = images.Rows; Cols = images.Cols; Pixels = images.Pixels; Labels = labels; Source = source;
    }

    /// <summary>The 10,000 MNIST digits compiled into this program.</summary>
    public static Mnist Embedded()
    {
        var asm = typeof(Mnist).Assembly;
        Stream Open(string n) => asm.GetManifestResourceStream("mnist-10k/" + n) ?? throw new InvalidDataException($"embedded data set is missing {n}");
        return new Mnist(Idx.ReadImages(Open("train-images-idx3-ubyte.gz"), "embedded train-images-idx3-ubyte.gz"),
                         Idx.ReadLabels(Open("train-labels-idx1-ubyte.gz"), "embedded train-labels-idx1-ubyte.gz"), "embedded MNIST (10k)");
    }

    /// <summary>Reads train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] from a folder.</summary>
    public static Mnist FromFolder(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"data folder '{dir}' does not exist");
        string Find(string stem) =>
            new[] { stem, stem + ".gz" }.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"data folder '{dir}' has no {stem} or {stem}.gz");
        return new Mnist(Idx.ReadImages(Find("train-images-idx3-ubyte")), Idx.ReadLabels(Find("train-labels-idx1-ubyte")), dir);
    }

    /// <summary>Reads one images file and its labels file (e.g. MNIST's t10k pair).</summary>
    public static Mnist FromFiles(string images, string labels, string source) =>
        new(Idx.ReadImages(images), Idx.ReadLabels(labels), source);

    /// <summary>Images idx[0..] as a float batch [B, 1, H, W] scaled to [−1, 1] (so tanh generators can match it).</summary>
    public NDArray Batch(ReadOnlySpan<int> idx, int size, Device device)
    {
        int hw = size * size;
        var buf = new float[idx.Length * hw];
        for (int b = 0; b < idx.Length; b++)
        {
            var src = Pixels.AsSpan(idx[b] * Rows * Cols, Rows * Cols);
            if (size == Rows && size == Cols)
                for (int i = 0; i < hw; i++) buf[b * hw + i] = src[i] / 127.5f - 1f;
            else Resize.Bilinear(src, Rows, Cols, buf.AsSpan(b * hw, hw), size, size);
        }
        return NDArray.From(buf, [idx.Length, 1, size, size], device);
    }

    public NDArray LabelBatch(ReadOnlySpan<int> idx, Device device)
    {
        var l = new float[idx.Length];
        for (int b = 0; b < idx.Length; b++) l[b] = Labels[idx[b]];
        return NDArray.From(l, [idx.Length], device);
    }
}

/// <summary>Bilinear resizing (half-pixel centres, as PyTorch's align_corners=False), output in [−1, 1].</summary>
public static class Resize
{
    public static void Bilinear(ReadOnlySpan<byte> src, int h, int w, Span<float> dst, int oh, int ow)
    {
        double sy = (double)h / oh, sx = (double)w / ow;
        for (int y = 0; y < oh; y++)
        {
            double fy = Math.Max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.Min((int)fy, h - 1), y1 = Math.Min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < ow; x++)
            {
                double fx = Math.Max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.Min((int)fx, w - 1), x1 = Math.Min(x0 + 1, w - 1);
                double wx = fx - x0;
                double v = (1 - wy) * ((1 - wx) * src[y0 * w + x0] + wx * src[y0 * w + x1]) + wy * ((1 - wx) * src[y1 * w + x0] + wx * src[y1 * w + x1]);
                dst[y * ow + x] = (float)(v / 127.5 - 1);
            }
        }
    }
}
