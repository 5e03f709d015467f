using Scratch.Autograd;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

public class GraphDotTests
{
    [Fact]
    public void Dot_names_each_op_with_its_shape_and_draws_input_edges()
    {
        var a = T.From([1.0, 2, 3, 4, 5, 6], [2, 3], requiresGrad: true); a.Name = "a";
        var b = T.From([1.0, 2, 3], [3]); b.Name = "b";
        var loss = (a * b).Sum();
        var dot = loss.ToDot();
        // Post-order ids: a = n0, b = n1, mul = n2, sum = n3.
        Assert.Contains("n0 [label=\"a\\n[2×3]\", shape=box", dot);
        Assert.Contains("n1 [label=\"b\\n[3]\", shape=box, style=\"rounded\"", dot);   // a constant: not filled
        Assert.Contains("n2 [label=\"mul\\n[2×3]\", shape=ellipse]", dot);
        Assert.Contains("n3 [label=\"sum\\n[]\", shape=ellipse]", dot);
        Assert.Contains("n0 -> n2;", dot);
        Assert.Contains("n1 -> n2;", dot);
        Assert.Contains("n2 -> n3;", dot);
        Assert.Equal(3, dot.Split('\n').Count(l => l.Contains("->")));
        Assert.DoesNotContain(AutogradGraph.BackwardColour, dot);
        Assert.StartsWith("digraph \"autograd\" {", dot);
        Assert.EndsWith("}\n", dot.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_double_backward_records_its_ops_and_edges_in_the_backward_colour()
    {
        var x = T.From([0.5, -1.0], [2], requiresGrad: true);
        var y = (x * x * x).Sum();
        var dx = Engine.Grad([y], [x], createGraph: true)[0]!;     // 3x², itself a recorded graph
        var penalty = (dx * dx).Sum();
        var g = AutogradGraph.Capture(penalty);

        // The forward ops were recorded normally; everything ∇x added was recorded by a backward.
        Assert.All(g.Nodes.Where(n => n.Op == "mul" && !n.FromBackward), n => Assert.Equal(new[] { 2 }, n.Shape));
        Assert.Equal(2, g.Nodes.Count(n => n.Op == "mul" && !n.FromBackward));   // x·x, (x·x)·x
        Assert.Contains(g.Nodes, n => n.FromBackward);
        var last = g.Nodes[^1];
        Assert.False(last.FromBackward);                                          // the penalty itself is forward code
        Assert.Contains(g.Edges, e => e.FromBackward && !g.Nodes[e.From].FromBackward);   // forward tensors feed the gradient's graph

        var dot = penalty.ToDot();
        int red = dot.Split('\n').Count(l => l.Contains("->") && l.Contains(AutogradGraph.BackwardColour));
        Assert.Equal(g.Edges.Count(e => e.FromBackward), red);
        Assert.True(red > 0);

        // The gradient of the penalty still works through those nodes (second derivative 6x·2·3x²).
        penalty.Backward();
        Assert.Equal(new[] { 36 * 0.125, 36 * -1.0 }, x.Grad!.ToDoubles());
    }

    [Fact]
    public void An_ordinary_backward_records_nothing_from_backward()
    {
        var x = T.From([0.5, -1.0], [2], requiresGrad: true);
        var y = (x.Tanh() * x).Sum();
        y.Backward();
        var g = AutogradGraph.Capture(y);      // drawn after the backward freed it: the structure remains
        Assert.DoesNotContain(g.Nodes, n => n.FromBackward);
        Assert.Equal(["leaf", "tanh", "mul", "sum"], g.Nodes.Select(n => n.Op));
    }
}
