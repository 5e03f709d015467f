using Scratch.Layers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Scratch.Gan.Images;

/// <summary>
/// PNG and JPEG files through SkiaSharp (the library ScottPlot already draws the curves with).
/// Pixels are 8-bit, row-major, interleaved: 1 channel (grey) or 3 (RGB). Every failure names the
/// file in one line; writes are atomic, so a failed or interrupted write never replaces a good picture.
/// </summary>
public static class ImageFile
{
    /// <summary>Encodes grey (channels 1) or RGB (channels 3) pixels as a PNG.</summary>
    public static byte[] EncodePng(byte[] pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"png: {channels} channels (1 or 3 expected)");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"png: {pixels.Length} bytes do not make {width}×{height}×{channels}");
        // Grey stays a 1-channel PNG (Gray8); RGB goes through Skia's RGBA layout with opaque alpha.
        var info = new SKImageInfo(width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bmp = new SKBitmap(info);
        var dst = new byte[info.BytesSize];
        if (channels == 1) for (int y = 0; y < height; y++) Array.Copy(pixels, y * width, dst, y * info.RowBytes, width);
        else
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int s = (y * width + x) * 3, d = y * info.RowBytes + x * 4;
                    dst[d] = pixels[s]; dst[d + 1] = pixels[s + 1]; dst[d + 2] = pixels[s + 2]; dst[d + 3] = 255;
                }
        Marshal.Copy(dst, 0, bmp.GetPixels(), dst.Length);
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("png: SkiaSharp could not encode the picture");
        return data.ToArray();
    }

    public static void SavePng(string path, byte[] pixels, int width, int height, int channels) =>
        AtomicFile.Write(path, EncodePng(pixels, width, height, channels));

    /// <summary>
    /// Decodes any PNG or JPEG (grey, RGB, palette, with alpha…) to interleaved RGB bytes; alpha is
    /// dropped (pixels are used as stored, unpremultiplied). A file Skia cannot read fully is an error naming it.
    /// </summary>
    public static (byte[] Rgb, int Width, int Height) ReadRgb(string path)
    {
        using var bmp = Decode(path);
        return (ToRgb(bmp), bmp.Width, bmp.Height);
    }

    /// <summary>Decodes, centre-crops to a square and resizes to size×size (bilinear with mipmaps, so large photos shrink smoothly).</summary>
    public static byte[] ReadSquareRgb(string path, int size)
    {
        using var bmp = Decode(path);
        int side = Math.Min(bmp.Width, bmp.Height);
        var crop = SKRectI.Create((bmp.Width - side) / 2, (bmp.Height - side) / 2, side, side);
        using var square = new SKBitmap();
        if (!bmp.ExtractSubset(square, crop)) throw new InvalidDataException($"{path}: could not crop the picture");
        using var scaled = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!square.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
            throw new InvalidDataException($"{path}: could not resize the picture");
        return ToRgb(scaled);
    }

    static SKBitmap Decode(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' does not exist");
        using var codec = SKCodec.Create(path, out var result)
            ?? throw new InvalidDataException($"{path}: not a readable PNG or JPEG ({result})");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bmp = new SKBitmap(info);
        var r = codec.GetPixels(info, bmp.GetPixels());
        if (r != SKCodecResult.Success)
        {
            bmp.Dispose();
            throw new InvalidDataException(
                $"{path}: not a readable PNG or JPEG ({(r == SKCodecResult.IncompleteInput ? "truncated" : r.ToString())})");
        }
        return bmp;
    }

    static byte[] ToRgb(SKBitmap bmp)
    {
        int w = bmp.Width, h = bmp.Height, row = bmp.RowBytes;
        var rgba = new byte[row * h];
        Marshal.Copy(bmp.GetPixels(), rgba, 0, rgba.Length);
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = y * row + x * 4, d = (y * w + x) * 3;
                rgb[d] = rgba[s]; rgb[d + 1] = rgba[s + 1]; rgb[d + 2] = rgba[s + 2];
            }
        return rgb;
    }
}
