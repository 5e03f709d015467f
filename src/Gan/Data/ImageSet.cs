using System.Reflection;
using Scratch.Tensors;

namespace Scratch.Gan.Data;

/// <summary>
/// An image data set in memory: N images of C channels (1 grey, 3 RGB) as bytes laid out
/// [N, C, H, W], and their labels. Loaded from the embedded MNIST subset, from a folder of standard
/// IDX files (MNIST or Fashion-MNIST file names), or from a folder of PNG/JPEG pictures
/// (<see cref="ImageFolder"/>, whose images have no labels: all 0).
/// </summary>
public sealed class ImageSet
{
    public int Count { get; }
    public int Channels { get; }
    public int Rows { get; }
    public int Cols { get; }
    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public string Source { get; }

    ImageSet(Idx.Images images, byte[] labels, string source) : this(images.Count, 1, images.Rows, images.Cols, images.Pixels, labels, source) { }

    internal ImageSet(int count, int channels, int rows, int cols, byte[] pixels, byte[] labels, string source)
    {
        if (labels.Length != count)
            throw new InvalidDataException($"{source}: {count} images but {labels.Length} labels");
        Count = count; Channels = channels; Rows = rows; Cols = cols; Pixels = pixels; Labels = labels; Source = source;
    }

    /// <summary>
    /// The same images with another number of channels: grey copied into R, G and B, or RGB to grey
    /// by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's convert("L")).
    /// </summary>
    public ImageSet WithChannels(int channels)
    {
        if (channels == Channels) return this;
        int hw = Rows * Cols;
        var px = new byte[Count * channels * hw];
        for (int n = 0; n < Count; n++)
        {
            var src = Pixels.AsSpan(n * Channels * hw, Channels * hw);
            var dst = px.AsSpan(n * channels * hw, channels * hw);
            if (channels == 3) { src.CopyTo(dst); src.CopyTo(dst[hw..]); src.CopyTo(dst[(2 * hw)..]); }
            else for (int i = 0; i < hw; i++) dst[i] = (byte)Math.Round(0.299 * src[i] + 0.587 * src[hw + i] + 0.114 * src[2 * hw + i]);
        }
        return new ImageSet(Count, channels, Rows, Cols, px, Labels, Source);
    }

    /// <summary>The 10,000 MNIST digits compiled into this program.</summary>
    public static ImageSet Embedded()
    {
        var asm = typeof(ImageSet).Assembly;
        Stream Open(string n) =>
            asm.GetManifestResourceStream("mnist-10k/" + n) ?? throw new InvalidDataException($"embedded data set is missing {n}");
        return new ImageSet(Idx.ReadImages(Open("train-images-idx3-ubyte.gz"), "embedded train-images-idx3-ubyte.gz"),
                         Idx.ReadLabels(Open("train-labels-idx1-ubyte.gz"), "embedded train-labels-idx1-ubyte.gz"), "embedded MNIST (10k)");
    }

    /// <summary>True when a folder holds an IDX training set (train-images-idx3-ubyte, optionally gzipped).</summary>
    public static bool IsIdxFolder(string dir) => FindIdx(dir, "train-images-idx3-ubyte") != null;

    /// <summary>The IDX file stem in dir, or stem.gz, whichever exists (null: neither).</summary>
    public static string? FindIdx(string dir, string stem) =>
        new[] { stem, stem + ".gz" }.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);

    /// <summary>
    /// Reads train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] from a folder. MNIST's
    /// t10k test files, when there, are not trained on: `scratch eval` and `--eval-every` hold them
    /// out as the real digits a generator's samples are compared with (Evaluation/EvalData.cs).
    /// </summary>
    public static ImageSet FromFolder(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"data folder '{dir}' does not exist");
        string Need(string stem) => FindIdx(dir, stem)
            ?? throw new FileNotFoundException($"data folder '{dir}' has no {stem} or {stem}.gz");
        return new ImageSet(Idx.ReadImages(Need("train-images-idx3-ubyte")), Idx.ReadLabels(Need("train-labels-idx1-ubyte")), dir);
    }

    /// <summary>Reads one images file and its labels file (e.g. MNIST's t10k pair).</summary>
    public static ImageSet FromFiles(string images, string labels, string source) =>
        new(Idx.ReadImages(images), Idx.ReadLabels(labels), source);

    /// <summary>Images idx[0..] as a float batch [B, C, H, W] scaled to [−1, 1] (so tanh generators can match it).</summary>
    public NDArray Batch(ReadOnlySpan<int> idx, int size, Device device) =>
        NDArray.From(BatchPixels(idx, size), [idx.Length, Channels, size, size], device);

    /// <summary>The pixels of <see cref="Batch"/> on the host, [N, C, size, size] flat, before any upload.</summary>
    public float[] BatchPixels(ReadOnlySpan<int> idx, int size)
    {
        int hw = size * size, plane = Rows * Cols;
        var buf = new float[idx.Length * Channels * hw];
        for (int b = 0; b < idx.Length; b++)
            for (int c = 0; c < Channels; c++)
            {
                var src = Pixels.AsSpan((idx[b] * Channels + c) * plane, plane);
                var dst = buf.AsSpan((b * Channels + c) * hw, hw);
                if (size == Rows && size == Cols)
                    for (int i = 0; i < hw; i++) dst[i] = src[i] / 127.5f - 1f;
                else Resize.Bilinear(src, Rows, Cols, dst, size, size);
            }
        return buf;
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
                double v = (1 - wy) * ((1 - wx) * src[y0 * w + x0] + wx * src[y0 * w + x1]) +
                    wy * ((1 - wx) * src[y1 * w + x0] + wx * src[y1 * w + x1]);
                dst[y * ow + x] = (float)(v / 127.5 - 1);
            }
        }
    }
}
