using System.Runtime.InteropServices;
using Scratch.Gan.Images;
using SkiaSharp;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>The hand-written GIF writer, read back by SkiaSharp's GIF decoder (Skia decodes GIF, it only cannot encode it).</summary>
public class GifTests
{
    static (int Frames, byte[] Rgba) DecodeFrame(string path, int frame)
    {
        using var codec = SKCodec.Create(path);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buf = new byte[info.BytesSize];
        var h = GCHandle.Alloc(buf, GCHandleType.Pinned);
        try { Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, h.AddrOfPinnedObject(), new SKCodecOptions(frame))); }
        finally { h.Free(); }
        return (codec.FrameCount, buf);
    }

    [Fact]
    public void Colour_frames_come_back_within_the_palettes_quantisation_step()
    {
        int w = 40, h = 30;
        var rng = new Random(2);
        var frames = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, w * h * 3).Select(_ => (byte)rng.Next(256)).ToArray()).ToList();
        var path = Path.Combine(TempDirs.New().FullName, "p.gif");
        Gif.Save(path, frames, w, h, channels: 3);
        for (int f = 0; f < 3; f++)
        {
            var (count, rgba) = DecodeFrame(path, f);
            Assert.Equal(3, count);
            // The cube's levels are 51 apart, so the nearest entry is at most 25 away in each channel:
            // a squared error of at most 3·25² (a grey entry is taken only when it is nearer still).
            for (int p = 0; p < w * h; p++)
                Assert.InRange(Enumerable.Range(0, 3)
                    .Sum(c => (rgba[4 * p + c] - frames[f][3 * p + c]) * (rgba[4 * p + c] - frames[f][3 * p + c])), 0, 3 * 25 * 25);
        }
    }

    [Fact]
    public void Grey_frames_come_back_exactly()
    {
        var grey = Enumerable.Range(0, 16 * 16).Select(i => (byte)i).ToArray();
        var path = Path.Combine(TempDirs.New().FullName, "g.gif");
        Gif.Save(path, [grey, grey.Reverse().ToArray()], 16, 16);
        var (count, rgba) = DecodeFrame(path, 0);
        Assert.Equal(2, count);
        Assert.Equal(grey, Enumerable.Range(0, 256).Select(p => rgba[4 * p]).ToArray());
    }
}
