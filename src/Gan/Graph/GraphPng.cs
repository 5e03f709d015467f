using Scratch.Layers;
using Scratch.Autograd;
using SkiaSharp;

namespace Scratch.Gan.Graph;

/// <summary>
/// Draws an <see cref="AutogradGraph"/> as a PNG with SkiaSharp, laid out by <see cref="GraphLayout"/>:
/// the same picture Graphviz would draw from <see cref="AutogradGraph.ToDot"/>, without Graphviz.
/// Leaves are rounded boxes (blue when they require grad: the parameters and inputs being
/// differentiated), ops are white boxes with their output's shape, and what a double backward
/// recorded (the gradient's own graph) is red.
/// </summary>
public static class GraphPng
{
    static readonly SKColor Ink = new(0x22, 0x22, 0x22), Param = new(0xdb, 0xe9, 0xf6), Leaf = new(0xf2, 0xf2, 0xf2),
                             Backward = SKColor.Parse(AutogradGraph.BackwardColour), Edge = new(0x55, 0x55, 0x55);
    const float FontSize = 12, PadX = 8, PadY = 5, LineHeight = 14;

    /// <summary>Encodes the picture; <paramref name="title"/> is written at the top left, if given.</summary>
    public static byte[] Encode(AutogradGraph g, string? title = null)
    {
        using var font = new SKFont(ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, false, false), FontSize);
        (float, float) Size(GraphNode node)
        {
            var lines = node.Label.Split('\n');
            return (lines.Max(l => font.MeasureText(l)) + 2 * PadX, lines.Length * LineHeight + 2 * PadY);
        }
        var layout = GraphLayout.Compute(g, Size);
        float titleHeight = title == null ? 0 : 26;
        int width = (int)Math.Ceiling(Math.Max(layout.Width, title == null ? 0 : font.MeasureText(title) + 32));
        int height = (int)Math.Ceiling(layout.Height + titleHeight);
        // Skia's raster surfaces stop at 32767 pixels a side; a graph that big is not worth a picture.
        if (width > 30000 || height > 30000)
            throw new InvalidOperationException($"graph: the picture would be {width}×{height} pixels; draw a smaller graph (or use the DOT output)");

        using var surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"graph: could not make a {width}×{height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = Ink, IsAntialias = true };
        if (title != null) canvas.DrawText(title, 16, 20, font, ink);
        canvas.Translate(0, titleHeight);

        // Edges first, so boxes cover their ends; red (gradient-graph) edges last, on top.
        using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f };
        foreach (bool red in new[] { false, true })
            for (int k = 0; k < g.Edges.Count; k++)
            {
                if (g.Edges[k].FromBackward != red) continue;
                line.Color = red ? Backward : Edge;
                DrawEdge(canvas, layout.Edges[k], layout.Nodes[g.Edges[k].From], layout.Nodes[g.Edges[k].To], line);
            }

        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using var border = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f };
        using var text = new SKPaint { IsAntialias = true };
        foreach (var node in g.Nodes)
        {
            var b = layout.Nodes[node.Id];
            var rect = new SKRect(b.X - b.W / 2, b.Y - b.H / 2, b.X + b.W / 2, b.Y + b.H / 2);
            fill.Color = node.IsLeaf ? (node.RequiresGrad ? Param : Leaf) : SKColors.White;
            border.Color = node.FromBackward ? Backward : Ink;
            float radius = node.IsLeaf ? 8 : 2;
            canvas.DrawRoundRect(rect, radius, radius, fill);
            canvas.DrawRoundRect(rect, radius, radius, border);
            text.Color = node.FromBackward ? Backward : Ink;
            var lines = node.Label.Split('\n');
            for (int i = 0; i < lines.Length; i++)
                canvas.DrawText(lines[i], b.X, rect.Top + PadY + LineHeight * (i + 1) - 3, SKTextAlign.Center, font, text);
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    public static void Save(string path, AutogradGraph g, string? title = null) => AtomicFile.Write(path, Encode(g, title));

    // A polyline from the bottom of the source box to the top of the target, through its dummy
    // points, with an arrowhead where it meets the target.
    static void DrawEdge(SKCanvas canvas, List<(float X, float Y)> points, Box from, Box to, SKPaint paint)
    {
        var pts = points.Select(p => new SKPoint(p.X, p.Y)).ToList();
        pts[0] = new SKPoint(from.X, from.Y + from.H / 2);
        pts[^1] = new SKPoint(to.X, to.Y - to.H / 2);
        using var path = new SKPath();
        path.MoveTo(pts[0]);
        for (int i = 1; i < pts.Count; i++) path.LineTo(pts[i]);
        canvas.DrawPath(path, paint);

        var (tip, back) = (pts[^1], pts[^2]);
        float dx = tip.X - back.X, dy = tip.Y - back.Y, len = MathF.Max(MathF.Sqrt(dx * dx + dy * dy), 1e-3f);
        (dx, dy) = (dx / len, dy / len);
        using var head = new SKPath();
        head.MoveTo(tip);
        head.LineTo(tip.X - 7 * dx + 3.5f * dy, tip.Y - 7 * dy - 3.5f * dx);
        head.LineTo(tip.X - 7 * dx - 3.5f * dy, tip.Y - 7 * dy + 3.5f * dx);
        head.Close();
        using var headPaint = new SKPaint { Color = paint.Color, IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.DrawPath(head, headPaint);
    }
}
