using Scratch.Tensors;

namespace Scratch.Gan.Images;

/// <summary>
/// Tiles a batch of images [N, C, H, W] in [−1, 1] (C = 1 grey or 3 RGB) into one picture with a
/// 2-pixel black border, as interleaved bytes ready for <see cref="ImageFile"/>.
/// </summary>
public static class Grid
{
    public static (byte[] Pixels, int Width, int Height, int Channels) Make(NDArray images, int columns)
    {
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3], pad = 2;
        if (c is not (1 or 3)) throw new ArgumentException($"grid: images have {c} channels (1 or 3 expected)");
        int cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        int W = cols * (w + pad) + pad, H = rows * (h + pad) + pad;
        var v = images.ToArray<float>();
        var px = new byte[W * H * c];
        for (int k = 0; k < n; k++)
        {
            int ox = pad + (k % cols) * (w + pad), oy = pad + (k / cols) * (h + pad);
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        px[((oy + y) * W + ox + x) * c + ch] = ToByte(v[((k * c + ch) * h + y) * w + x]);
        }
        return (px, W, H, c);
    }

    /// <summary>[−1, 1] → 0..255 (clamped).</summary>
    public static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round((v + 1) * 127.5f), 0, 255);

    public static void SavePng(string path, NDArray images, int columns)
    {
        var (p, w, h, c) = Make(images, columns);
        ImageFile.SavePng(path, p, w, h, c);
    }
}
