using Scratch.Layers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Scratch.Gan.Data;

/// <summary>
/// The IDX format of MNIST (LeCun): a big-endian magic number 0x0000 0803 (u8 images, 3 dims) or
/// 0x0000 0801 (u8 labels, 1 dim), one big-endian u32 per dimension, then the bytes. Files may be
/// gzipped. Every check failure names the file and what is wrong, in one line.
/// </summary>
public static class Idx
{
    public const int ImagesMagic = 0x803, LabelsMagic = 0x801, Tensor4Magic = 0x804;

    public sealed record Images(int Count, int Rows, int Cols, byte[] Pixels);

    public static Images ReadImages(string path) => ReadImages(File.OpenRead(path), path);
    public static byte[] ReadLabels(string path) => ReadLabels(File.OpenRead(path), path);

    public static Images ReadImages(Stream s, string name)
    {
        var (dims, data) = Read(s, name, ImagesMagic, 3);
        return new Images(dims[0], dims[1], dims[2], data);
    }

    public static byte[] ReadLabels(Stream s, string name) => Read(s, name, LabelsMagic, 1).Data;

    /// <summary>A 4-dimensional u8 array (magic 0x0000 0804), as the image-folder cache stores [N, C, H, W].</summary>
    public static (int[] Dims, byte[] Data) ReadTensor4(string path) => Read(File.OpenRead(path), path, Tensor4Magic, 4);

    static (int[] Dims, byte[] Data) Read(Stream raw, string name, int magic, int rank)
    {
        byte[] all;
        using (raw)
        {
            var ms = new MemoryStream();
            raw.CopyTo(ms);
            all = ms.ToArray();
        }
        if (all.Length >= 2 && all[0] == 0x1f && all[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(all), CompressionMode.Decompress);
                var ms = new MemoryStream();
                gz.CopyTo(ms);
                all = ms.ToArray();
            }
            catch (InvalidDataException) { throw new InvalidDataException($"{name}: corrupt gzip data"); }
        }
        if (all.Length < 4 + 4 * rank) throw new InvalidDataException($"{name}: truncated IDX header ({all.Length} bytes)");
        int m = BinaryPrimitives.ReadInt32BigEndian(all);
        if (m != magic)
            throw new InvalidDataException($"{name}: wrong magic number 0x{m:X8} (expected 0x{magic:X8}, IDX {(magic == ImagesMagic ? "u8 images"
                : magic == LabelsMagic ? "u8 labels" : $"u8, {rank} dims")})");
        var dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(all.AsSpan(4 + 4 * i));
            if (dims[i] <= 0) throw new InvalidDataException($"{name}: dimension {i} is {dims[i]}");
            n *= dims[i];
        }
        int start = 4 + 4 * rank;
        if (all.Length - start < n)
            throw new InvalidDataException($"{name}: truncated: header promises {n} bytes of data, file has {all.Length - start}");
        if (all.Length - start > n) throw new InvalidDataException($"{name}: {all.Length - start - n} unexpected bytes after the data");
        return (dims, all.AsSpan(start, (int)n).ToArray());
    }

    /// <summary>Writes u8 images as an IDX file (for `scratch sample --format idx`), atomically.</summary>
    public static void WriteImages(string path, int count, int rows, int cols, byte[] pixels) => Write(path, [count, rows, cols], pixels);

    /// <summary>Writes a u8 array of 1–4 dims (magic 0x0000 08nn, nn = the number of dims), atomically.</summary>
    public static void Write(string path, int[] dims, byte[] data)
    {
        if (dims.Aggregate(1L, (p, d) => p * d) != data.Length)
            throw new ArgumentException($"idx: {data.Length} bytes do not fill [{string.Join(", ", dims)}]");
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x800 + dims.Length);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        AtomicFile.Write(path, bytes, "samples.idx");
    }
}
