using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Scratch.Gan.Images;

/// <summary>
/// A minimal PNG writer for 8-bit greyscale images: signature, IHDR, one zlib-compressed IDAT
/// (each row prefixed with filter type 0), IEND — each chunk closed by its CRC-32.
/// </summary>
public static class Png
{
    public static byte[] Encode(byte[] grey, int width, int height)
    {
        if (grey.Length != width * height) throw new ArgumentException($"png: {grey.Length} pixels do not make {width}×{height}");
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 0;   // bit depth 8, colour type 0 (greyscale); compression, filter, interlace 0
        Chunk(ms, "IHDR", ihdr);
        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++) { z.WriteByte(0); z.Write(grey, y * width, width); }
        Chunk(ms, "IDAT", raw.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>Writes atomically: a half-written picture never replaces a good one.</summary>
    public static void Save(string path, byte[] grey, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, Encode(grey, width, height));
        File.Move(tmp, path, overwrite: true);
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var td = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(td);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(td));
        s.Write(crc);
    }

    static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
