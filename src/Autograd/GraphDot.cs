using System.Text;

namespace Scratch.Autograd;

/// <summary>One tensor in a graph picture: a leaf (input, parameter) or the output of a recorded op.</summary>
/// <param name="Id">Index in <see cref="AutogradGraph.Nodes"/>; inputs come before the tensors made from them.</param>
/// <param name="Op">The op that made it ("matmul", "relu"…), or "leaf".</param>
/// <param name="Name">The tensor's <see cref="Tensor.Name"/>, if it was given one.</param>
/// <param name="FromBackward">Recorded by a backward function under createGraph: part of a gradient's own graph.</param>
public sealed record GraphNode(int Id, string Op, string? Name, int[] Shape, bool RequiresGrad, bool FromBackward)
{
    public bool IsLeaf => Op == "leaf";
    /// <summary>What a picture writes in the box: the op (or the leaf's name) and the shape.</summary>
    public string Label =>
        $"{(IsLeaf ? Name ?? (RequiresGrad ? "leaf" : "const") : Name != null ? $"{Op} ({Name})" : Op)}\n[{string.Join("×", Shape)}]";
}

/// <summary>An input of an op: the tensor From flows into the op that made To.</summary>
/// <param name="FromBackward">The op at To was recorded by a double backward, so this edge belongs to the gradient's graph.</param>
public sealed record GraphEdge(int From, int To, bool FromBackward);

/// <summary>
/// A snapshot of the recorded graph behind some tensors, for pictures (like micrograd's draw_dot):
/// every tensor reachable through recorded ops' inputs, in topological order, and the input edges.
/// It reads only what recording keeps (op name, inputs, shape), so it works after a backward too.
/// </summary>
public sealed class AutogradGraph
{
    public IReadOnlyList<GraphNode> Nodes { get; }
    public IReadOnlyList<GraphEdge> Edges { get; }

    AutogradGraph(List<GraphNode> nodes, List<GraphEdge> edges) { Nodes = nodes; Edges = edges; }

    /// <summary>Walks back from the roots (a loss, or several) through every recorded op's inputs.</summary>
    public static AutogradGraph Capture(params Tensor[] roots)
    {
        // Depth-first post-order without recursion (training graphs are deep): a tensor gets its id
        // after all of its inputs have theirs, so ids are a topological order.
        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var order = new List<Tensor>();
        var stack = new Stack<(Tensor T, bool Expanded)>();
        foreach (var r in roots.Reverse()) stack.Push((r, false));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded) { ids[t] = order.Count; order.Add(t); continue; }
            if (!seen.Add(t)) continue;
            stack.Push((t, true));
            if (t.Node != null)
                for (int i = t.Node.Inputs.Length - 1; i >= 0; i--)
                    if (!seen.Contains(t.Node.Inputs[i])) stack.Push((t.Node.Inputs[i], false));
        }

        var nodes = order.Select(
            (t, i) => new GraphNode(i, t.Node?.Op ?? "leaf", t.Name, t.Shape, t.RequiresGrad, t.Node?.FromBackward ?? false)).ToList();
        var edges = new List<GraphEdge>();
        foreach (var t in order)
            if (t.Node != null)
                foreach (var input in t.Node.Inputs) edges.Add(new GraphEdge(ids[input], ids[t], t.Node.FromBackward));
        return new AutogradGraph(nodes, edges);
    }

    /// <summary>Forward edges are drawn black; the edges a double backward recorded in this colour.</summary>
    public const string BackwardColour = "#d62728";

    /// <summary>
    /// Graphviz DOT text, top to bottom from the leaves to the roots: `dot -Tpng graph.dot -o graph.png`.
    /// Leaves are boxes (filled when they require grad: the parameters); ops are ellipses with their
    /// output's shape; ops recorded by a double backward, and the edges into them, are red.
    /// </summary>
    public string ToDot(string name = "autograd")
    {
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(name)).AppendLine(" {");
        sb.AppendLine("  rankdir=TB;");
        sb.AppendLine("  node [fontname=\"Helvetica\", fontsize=10];");
        foreach (var n in Nodes)
        {
            var style = n.IsLeaf
                ? $"shape=box, style=\"rounded{(n.RequiresGrad ? ",filled" : "")}\", fillcolor=\"#dbe9f6\""
                : n.FromBackward ? $"shape=ellipse, color=\"{BackwardColour}\", fontcolor=\"{BackwardColour}\"" : "shape=ellipse";
            sb.AppendLine($"  n{n.Id} [label={Quote(n.Label)}, {style}];");
        }
        foreach (var e in Edges)
            sb.AppendLine(e.FromBackward ? $"  n{e.From} -> n{e.To} [color=\"{BackwardColour}\"];" : $"  n{e.From} -> n{e.To};");
        sb.AppendLine("}");
        return sb.ToString();
    }

    // DOT strings: quotes and backslashes escaped; a newline becomes DOT's centred line break \n.
    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}

public sealed partial class Tensor
{
    /// <summary>The graph that made this tensor, as Graphviz DOT (see <see cref="AutogradGraph.ToDot"/>).</summary>
    public string ToDot() => AutogradGraph.Capture(this).ToDot();
}
