using System.Buffers.Binary;
using System.IO.Compression;

namespace Scratch.Gan.Images;

/// <summary>Reads back the greyscale PNGs that <see cref="Png"/> writes (8-bit, filter 0), for the progress GIF and tests.</summary>
public static class PngReader
{
    public static (byte[] Pixels, int Width, int Height) ReadGrey(string path)
    {
        var b = File.ReadAllBytes(path);
        int pos = 8, w = 0, h = 0;
        var idat = new MemoryStream();
        while (pos + 8 <= b.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(b, pos + 4, 4);
            if (type == "IHDR")
            {
                w = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos + 8));
                h = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos + 12));
                if (b[pos + 16] != 8 || b[pos + 17] != 0) throw new InvalidDataException($"{path}: not an 8-bit greyscale PNG");
            }
            else if (type == "IDAT") idat.Write(b, pos + 8, len);
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var r = raw.ToArray();
        var px = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            if (r[y * (w + 1)] != 0) throw new InvalidDataException($"{path}: unsupported PNG filter");
            Array.Copy(r, y * (w + 1) + 1, px, y * w, w);
        }
        return (px, w, h);
    }
}
