using Scratch.Layers;
using SkiaSharp;

namespace Scratch.Gan.Sweeps;

/// <summary>
/// Each sweep point's final fixed-latent grid side by side, each with its settings written under it,
/// so the table's O/X can be checked by eye. Drawn with SkiaSharp (which ScottPlot brings) using
/// ScottPlot's font lookup, which finds a usable font on machines without fontconfig.
/// </summary>
public static class ContactSheet
{
    public static void Save(string path, IReadOnlyList<(string Image, string Label)> cells, int columns = 4)
    {
        const int side = 242, labelHeight = 36, pad = 8;
        int cols = Math.Min(columns, cells.Count), rows = (cells.Count + cols - 1) / cols;
        int w = cols * (side + pad) + pad, h = rows * (side + labelHeight + pad) + pad;
        using var surface = SKSurface.Create(new SKImageInfo(w, h));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, false, false), 11);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int i = 0; i < cells.Count; i++)
        {
            int x = pad + i % cols * (side + pad), y = pad + i / cols * (side + labelHeight + pad);
            var (image, label) = cells[i];
            using (var bmp = File.Exists(image) ? SKBitmap.Decode(image) : null)
                if (bmp != null) canvas.DrawBitmap(bmp, new SKRect(x, y, x + side, y + side));
                else canvas.DrawText("(no final grid)", x + 4, y + side / 2, font, ink);
            // Two lines of settings at most: split the label near its middle space.
            var lines = Wrap(label, font, side);
            for (int l = 0; l < lines.Count; l++) canvas.DrawText(lines[l], x, y + side + 14 + 14 * l, font, ink);
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.ToArray(), "contact-sheet.png");
    }

    static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var next = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(next) > width) { lines.Add(line); line = word; }
            else line = next;
        }
        if (line.Length > 0) lines.Add(line);
        return lines.Take(2).ToList();
    }
}
