using Scratch.Tensors;

namespace Scratch.Gan.Images;

/// <summary>Tiles a batch of images [N, 1, H, W] in [−1, 1] into one greyscale picture, with a 2-pixel border.</summary>
public static class Grid
{
    public static (byte[] Pixels, int Width, int Height) Make(NDArray images, int columns)
    {
        int n = images.Shape[0], h = images.Shape[2], w = images.Shape[3], pad = 2;
        int cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        int W = cols * (w + pad) + pad, H = rows * (h + pad) + pad;
        var v = images.ToArray<float>();
        var px = new byte[W * H];
        for (int k = 0; k < n; k++)
        {
            int ox = pad + (k % cols) * (w + pad), oy = pad + (k / cols) * (h + pad);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    px[(oy + y) * W + ox + x] = ToByte(v[(k * h + y) * w + x]);
        }
        return (px, W, H);
    }

    /// <summary>[−1, 1] → 0..255 (clamped).</summary>
    public static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round((v + 1) * 127.5f), 0, 255);

    public static void SavePng(string path, NDArray images, int columns)
    {
        var (p, w, h) = Make(images, columns);
        Png.Save(path, p, w, h);
    }
}
