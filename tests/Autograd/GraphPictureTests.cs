using Scratch.Autograd;
using Scratch.Gan.Cli;
using Scratch.Gan.Graph;
using SkiaSharp;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

/// <summary>The PNG the project draws itself (src/Gan/Graph) from a recorded graph.</summary>
public class GraphPictureTests
{
    static AutogradGraph DoubleBackward()
    {
        var x = T.From([0.5, -1.0], [2], requiresGrad: true);
        var dx = Engine.Grad([(x * x * x).Sum()], [x], createGraph: true)[0]!;
        return AutogradGraph.Capture((dx * dx).Sum());
    }

    [Fact]
    public void Layout_puts_every_input_above_the_op_that_uses_it()
    {
        var g = DoubleBackward();
        var layout = GraphLayout.Compute(g, _ => (60, 30));
        foreach (var e in g.Edges) Assert.True(layout.Nodes[e.From].Y < layout.Nodes[e.To].Y, $"edge {e.From}->{e.To} points up");
        // Boxes in one layer do not overlap.
        foreach (var a in layout.Nodes)
            foreach (var b in layout.Nodes)
                if (!a.Equals(b) && a.Y == b.Y) Assert.True(Math.Abs(a.X - b.X) >= 60, "boxes overlap");
    }

    [Fact]
    public void Png_is_written_decodes_and_shows_the_double_backward_in_red()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scratch-graph-{Guid.NewGuid():N}.png");
        try
        {
            GraphPng.Save(path, DoubleBackward(), "x³ then ‖∇‖²");
            using var bmp = SKBitmap.Decode(path);
            Assert.NotNull(bmp);
            Assert.True(bmp.Width > 100 && bmp.Height > 100, $"{bmp.Width}×{bmp.Height}");
            var red = SKColor.Parse(AutogradGraph.BackwardColour);
            Assert.Contains(bmp.Pixels, p => p == red);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Graph_command_draws_one_vanilla_step_and_its_dot()
    {
        var dir = TempDirs.New("scratch-graph").FullName;
        try
        {
            Assert.Equal(0, GraphCommand.Run("vanilla", Path.Combine(dir, "g.png"), Path.Combine(dir, "g.dot")));
            using var bmp = SKBitmap.Decode(Path.Combine(dir, "g.png"));
            Assert.NotNull(bmp);
            var dot = File.ReadAllText(Path.Combine(dir, "g.dot"));
            Assert.Contains("D loss", dot);
            Assert.Contains("G loss", dot);
            Assert.Contains("linear", dot);
            Assert.DoesNotContain(AutogradGraph.BackwardColour, dot);   // no double backward in a vanilla step
            Assert.Equal(2, GraphCommand.Run("nope", Path.Combine(dir, "x.png"), null));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_wgan_gp_step_has_gradient_penalty_edges()
    {
        var g = Scratch.Gan.Graph.StepGraph.Capture(Scratch.Gan.Models.ModelKind.WganGp, batch: 1);
        Assert.Contains(g.Edges, e => e.FromBackward);
    }
}
