using Scratch.Layers;

namespace Scratch.Gan.Images;

/// <summary>
/// A minimal animated GIF89a writer: one 256-colour global palette, a looping extension, and each
/// frame LZW-compressed with variable-width codes (the GIF flavour of LZW). Grey frames use 256
/// greys; RGB frames use a 6×6×6 colour cube plus 40 greys, each pixel mapped to the nearest entry.
/// Why it is hand-written: SkiaSharp (our PNG/JPEG codec) cannot encode GIF, ImageSharp is not
/// served, and the one served encoder, Magick.NET, adds a second native imaging library (ImageMagick,
/// tens of MB per platform, x64-only in its small package) for this one progress animation.
/// </summary>
public static class Gif
{
    /// <summary>Frames are interleaved bytes, width·height·channels each (channels 1 or 3).</summary>
    public static void Save(string path, IReadOnlyList<byte[]> frames, int width, int height, int channels = 1, int delayCs = 50)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"gif: {channels} channels (1 or 3 expected)");
        var s = new MemoryStream();
        void U16(int v) { s.WriteByte((byte)v); s.WriteByte((byte)(v >> 8)); }
        s.Write("GIF89a"u8);
        U16(width); U16(height);
        s.WriteByte(0xF7); s.WriteByte(0); s.WriteByte(0);            // global table of 256 colours
        s.Write(channels == 1 ? GreyPalette : ColourPalette);
        s.Write([0x21, 0xFF, 0x0B]); s.Write("NETSCAPE2.0"u8); s.Write([3, 1, 0, 0, 0]);   // loop forever
        foreach (var f in frames)
        {
            if (f.Length != width * height * channels)
                throw new ArgumentException($"gif: a frame of {f.Length} bytes does not make {width}×{height}×{channels}");
            s.Write([0x21, 0xF9, 4, 0]); U16(delayCs); s.Write([0, 0]);                    // frame delay
            s.WriteByte(0x2C); U16(0); U16(0); U16(width); U16(height); s.WriteByte(0);
            s.WriteByte(8);                                                                  // LZW minimum code size
            var data = Lzw(channels == 1 ? f : Quantise(f));
            for (int i = 0; i < data.Length; i += 255)
            {
                int n = Math.Min(255, data.Length - i);
                s.WriteByte((byte)n); s.Write(data, i, n);
            }
            s.WriteByte(0);
        }
        s.WriteByte(0x3B);
        AtomicFile.Write(path, s.ToArray(), "progress.gif");
    }

    static readonly byte[] GreyPalette = Enumerable.Range(0, 256).SelectMany(i => new[] { (byte)i, (byte)i, (byte)i }).ToArray();

    // Entries 0–215: r·36 + g·6 + b with levels 0, 51, …, 255; entries 216–255: 40 greys between them.
    static readonly byte[] ColourPalette = Enumerable.Range(0, 216)
        .SelectMany(i => new[] { (byte)(i / 36 * 51), (byte)(i / 6 % 6 * 51), (byte)(i % 6 * 51) })
        .Concat(Enumerable.Range(0, 40).SelectMany(i => Enumerable.Repeat(GreyLevel(i), 3))).ToArray();

    static byte GreyLevel(int i) => (byte)Math.Round((i + 1) * 255.0 / 41);

    static byte[] Quantise(byte[] rgb)
    {
        var idx = new byte[rgb.Length / 3];
        for (int p = 0; p < idx.Length; p++)
        {
            int r = rgb[3 * p], g = rgb[3 * p + 1], b = rgb[3 * p + 2];
            int qr = (r + 25) / 51, qg = (g + 25) / 51, qb = (b + 25) / 51;
            int dc = Sq(r - qr * 51) + Sq(g - qg * 51) + Sq(b - qb * 51);
            // Near-grey pixels (the common case for MNIST-like data) find a finer level among the 40 greys.
            int m = (r + g + b) / 3, gi = Math.Clamp((int)Math.Round(m * 41 / 255.0) - 1, 0, 39), gv = GreyLevel(gi);
            int dg = Sq(r - gv) + Sq(g - gv) + Sq(b - gv);
            idx[p] = (byte)(dg < dc ? 216 + gi : qr * 36 + qg * 6 + qb);
        }
        return idx;
    }

    static int Sq(int v) => v * v;

    // Codes 0–255 are the pixels, 256 clears the table, 257 ends; new strings get codes from 258.
    static byte[] Lzw(byte[] pixels)
    {
        var output = new List<byte>();
        int bitBuf = 0, bitCount = 0, width = 9, next = 258;
        var table = new Dictionary<(int, byte), int>();
        void Emit(int code)
        {
            bitBuf |= code << bitCount; bitCount += width;
            while (bitCount >= 8) { output.Add((byte)bitBuf); bitBuf >>= 8; bitCount -= 8; }
        }
        Emit(256);
        int prefix = pixels[0];
        for (int i = 1; i < pixels.Length; i++)
        {
            byte c = pixels[i];
            if (table.TryGetValue((prefix, c), out int code)) { prefix = code; continue; }
            Emit(prefix);
            if (next < 4096)
            {
                table[(prefix, c)] = next++;
                if (next > (1 << width) && width < 12) width++;
            }
            else { Emit(256); table.Clear(); next = 258; width = 9; }
            prefix = c;
        }
        Emit(prefix);
        Emit(257);
        if (bitCount > 0) output.Add((byte)bitBuf);
        return output.ToArray();
    }
}
