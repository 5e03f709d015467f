namespace Scratch.Gan.Images;

/// <summary>
/// A minimal animated GIF89a writer for greyscale frames: a 256-grey global palette, a looping
/// extension, and each frame LZW-compressed with variable-width codes (the GIF flavour of LZW).
/// </summary>
public static class Gif
{
    public static void Save(string path, IReadOnlyList<byte[]> frames, int width, int height, int delayCs = 50)
    {
        var s = new MemoryStream();
        void U16(int v) { s.WriteByte((byte)v); s.WriteByte((byte)(v >> 8)); }
        s.Write("GIF89a"u8);
        U16(width); U16(height);
        s.WriteByte(0xF7); s.WriteByte(0); s.WriteByte(0);            // global table of 256 colours
        for (int i = 0; i < 256; i++) { s.WriteByte((byte)i); s.WriteByte((byte)i); s.WriteByte((byte)i); }
        s.Write([0x21, 0xFF, 0x0B]); s.Write("NETSCAPE2.0"u8); s.Write([3, 1, 0, 0, 0]);   // loop forever
        foreach (var f in frames)
        {
            s.Write([0x21, 0xF9, 4, 0]); U16(delayCs); s.Write([0, 0]);                    // frame delay
            s.WriteByte(0x2C); U16(0); U16(0); U16(width); U16(height); s.WriteByte(0);
            s.WriteByte(8);                                                                  // LZW minimum code size
            var data = Lzw(f);
            for (int i = 0; i < data.Length; i += 255)
            {
                int n = Math.Min(255, data.Length - i);
                s.WriteByte((byte)n); s.Write(data, i, n);
            }
            s.WriteByte(0);
        }
        s.WriteByte(0x3B);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path + ".tmp", s.ToArray());
        File.Move(path + ".tmp", path, overwrite: true);
    }

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
