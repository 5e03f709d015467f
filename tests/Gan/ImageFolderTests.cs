using Scratch.Gan.Data;
using Scratch.Gan.Images;
using SkiaSharp;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>Folders of PNG/JPEG pictures as data: cropping, resizing, channels, the cache, and bad folders.</summary>
public class ImageFolderTests
{
    /// <summary>Writes a picture whose pixel (x, y) is f(x, y), as PNG or (by extension) JPEG.</summary>
    internal static void Picture(string path, int w, int h, Func<int, int, SKColor> f)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bmp = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) bmp.SetPixel(x, y, f(x, y));
        var jpeg = path.EndsWith(".jpg") || path.EndsWith(".jpeg");
        using var data = bmp.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>n small colour pictures of mixed sizes and formats, some in a subfolder.</summary>
    internal static string ColourFolder(int n)
    {
        var dir = TempDirs.New().FullName;
        for (int i = 0; i < n; i++)
        {
            int w = 40 + 8 * (i % 3), h = 48 - 6 * (i % 2);
            var name = i % 4 == 3 ? $"sub/p{i}.jpg" : $"p{i}.png";
            Picture(Path.Combine(dir, name), w, h, (x, y) => new SKColor((byte)(x * 255 / w), (byte)(y * 255 / h), (byte)(40 * i % 256)));
        }
        return dir;
    }

    static string Tmp() => TempDirs.New().FullName;

    [Fact]
    public void A_wide_picture_is_centre_cropped_then_resized()
    {
        var dir = Tmp();
        // Three vertical stripes, red | green | blue, each 30 wide: the centred 30×30 square is all green.
        Picture(Path.Combine(dir, "stripes.png"), 90, 30, (x, _) => x < 30 ? SKColors.Red : x < 60 ? new SKColor(0, 255, 0) : SKColors.Blue);
        var set = ImageFolder.Load(dir, 8, 0, Path.Combine(dir, "fallback"));
        Assert.Equal((1, 3, 8, 8), (set.Count, set.Channels, set.Rows, set.Cols));
        Assert.All(set.Pixels[..64], v => Assert.Equal(0, v));      // R plane
        Assert.All(set.Pixels[64..128], v => Assert.Equal(255, v)); // G plane
        Assert.All(set.Pixels[128..], v => Assert.Equal(0, v));     // B plane
        var batch = set.Batch([0], 8, Scratch.Tensors.Device.Cpu);
        Assert.Equal([1, 3, 8, 8], batch.Shape);
        Assert.Equal(1f, batch.ToArray<float>()[64]);
    }

    [Fact]
    public void Channels_follow_the_pictures_unless_asked_and_grey_is_BT601_luma()
    {
        var colour = ColourFolder(5);
        Assert.Equal(3, ImageFolder.Load(colour, 16, 0, Tmp()).Channels);
        var grey = ImageFolder.Load(colour, 16, 1, Tmp());
        Assert.Equal((5, 1), (grey.Count, grey.Channels));
        var dir = Tmp();
        Picture(Path.Combine(dir, "g.png"), 20, 20, (x, y) => new SKColor((byte)(x * 12), (byte)(x * 12), (byte)(x * 12)));
        Assert.Equal(1, ImageFolder.Load(dir, 20, 0, Tmp()).Channels);
        var rgb = ImageFolder.Load(dir, 20, 3, Tmp());
        Assert.Equal(rgb.Pixels[..400], rgb.Pixels[400..800]);
        var pure = Tmp();
        Picture(Path.Combine(pure, "red.png"), 4, 4, (_, _) => new SKColor(200, 0, 0));
        Assert.All(ImageFolder.Load(pure, 4, 1, Tmp()).Pixels, v => Assert.Equal((byte)Math.Round(0.299 * 200), v));
    }

    [Fact]
    public void The_decoded_set_is_cached_once_and_reused_until_the_files_change()
    {
        var dir = ColourFolder(4);
        var first = ImageFolder.Load(dir, 16, 0, Tmp());
        var cache = Assert.Single(Directory.GetFiles(Path.Combine(dir, ImageFolder.CacheFolderName)));
        Assert.Contains("4x3x16x16", cache);
        // Garble a picture but keep its length and time stamp: a load that decoded again would fail on it.
        var victim = Path.Combine(dir, "p0.png");
        var stamp = File.GetLastWriteTimeUtc(victim);
        File.WriteAllBytes(victim, new byte[new FileInfo(victim).Length]);
        File.SetLastWriteTimeUtc(victim, stamp);
        Assert.Equal(first.Pixels, ImageFolder.Load(dir, 16, 0, Tmp()).Pixels);
        // Once the time stamp changes too, the key changes: the garbled picture is decoded, and named.
        File.SetLastWriteTimeUtc(victim, stamp.AddMinutes(1));
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir, 16, 0, Tmp()));
        Assert.StartsWith(victim + ": not a readable PNG or JPEG", e.Message);
    }

    [Fact]
    public void A_damaged_cache_is_rebuilt_not_trusted()
    {
        var dir = ColourFolder(3);
        var good = ImageFolder.Load(dir, 12, 0, Tmp());
        var cache = Assert.Single(Directory.GetFiles(Path.Combine(dir, ImageFolder.CacheFolderName)));
        File.WriteAllBytes(cache, File.ReadAllBytes(cache)[..100]);
        Assert.Equal(good.Pixels, ImageFolder.Load(dir, 12, 0, Tmp()).Pixels);
        Assert.Equal(4 + 4 * 4 + 3 * 3 * 12 * 12, new FileInfo(cache).Length);   // rewritten whole: magic, 4 dims, the pixels
    }

    [Fact]
    public void Empty_folders_and_unreadable_or_truncated_pictures_give_one_line_naming_the_problem()
    {
        var empty = Tmp();
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no pictures here");
        var e = Assert.Throws<InvalidDataException>(() => DataSets.Open(empty, 64, 0, Tmp()));
        Assert.Equal($"data folder '{empty}' holds no IDX training files and no .png, .jpg or .jpeg pictures", e.Message);

        var dir = ColourFolder(2);
        File.WriteAllText(Path.Combine(dir, "._p0.png"), "macOS metadata, not a picture");   // hidden: skipped
        Assert.Equal(2, ImageFolder.Load(dir, 8, 0, Tmp()).Count);
        var bad = Path.Combine(dir, "broken.png");
        File.WriteAllText(bad, "this is not a picture");
        Assert.StartsWith(bad + ": not a readable PNG or JPEG",
            Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir, 8, 0, Tmp())).Message);

        var dir2 = ColourFolder(2);
        var cut = Path.Combine(dir2, "p1.png");
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..60]);
        var m = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir2, 8, 0, Tmp())).Message;
        Assert.StartsWith(cut + ": not a readable PNG or JPEG", m);
        Assert.DoesNotContain("\n", m);
        Assert.False(Directory.Exists(Path.Combine(dir2, ImageFolder.CacheFolderName)), "a failed load wrote a cache");
    }

    [Fact]
    public void Png_round_trips_grey_and_colour_through_SkiaSharp()
    {
        var path = Path.Combine(Tmp(), "c.png");
        var rgb = Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)(i * 5)).ToArray();
        ImageFile.SavePng(path, rgb, 5, 3, 3);
        var (back, w, h) = ImageFile.ReadRgb(path);
        Assert.Equal((5, 3), (w, h));
        Assert.Equal(rgb, back);
        var grey = Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray();
        ImageFile.SavePng(path, grey, 4, 3, 1);
        Assert.Equal(grey.SelectMany(g => new[] { g, g, g }).ToArray(), ImageFile.ReadRgb(path).Rgb);
    }
}
