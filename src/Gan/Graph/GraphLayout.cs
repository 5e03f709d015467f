using Scratch.Autograd;

namespace Scratch.Gan.Graph;

/// <summary>A box's centre and size, in pixels.</summary>
public readonly record struct Box(float X, float Y, float W, float H);

/// <summary>Where the picture puts each node, and the polyline each edge follows (source to target).</summary>
public sealed record Layout(Box[] Nodes, List<(float X, float Y)>[] Edges, float Width, float Height);

/// <summary>
/// A layered (Sugiyama-style) drawing of a DAG, in the four classic steps, each kept simple:
/// 1. layers: an op one layer below its lowest input; a leaf (or an op of leaves only) just above its first user;
/// 2. dummy nodes: an edge that crosses several layers becomes a chain through invisible points,
///    so it can bend around boxes and take part in the ordering;
/// 3. ordering: sweeps down and up that sort each layer by the mean position of its neighbours in
///    the layer before (the barycentre heuristic), which removes most edge crossings;
/// 4. coordinates: each layer packed left to right, then nudged towards its neighbours' mean x.
/// Graphviz's dot does the same with better (and much longer) algorithms at each step.
/// </summary>
public static class GraphLayout
{
    const float LayerGap = 34, NodeGap = 14, DummyWidth = 4, Margin = 16;

    /// <param name="size">Each node's box size (the renderer measures its label).</param>
    public static Layout Compute(AutogradGraph g, Func<GraphNode, (float W, float H)> size)
    {
        int n = g.Nodes.Count;
        var inputs = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var users = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var e in g.Edges) { inputs[e.To].Add(e.From); users[e.From].Add(e.To); }

        // 1. Layers. Ids are topological, so one pass in id order sees every input first.
        var layer = new int[n];
        for (int v = 0; v < n; v++) layer[v] = inputs[v].Count == 0 ? 0 : inputs[v].Max(u => layer[u]) + 1;
        // Leaves, and ops of leaves only (a weight's reshape), move down to just above their first user:
        // otherwise every parameter would sit in the top row with a long edge to where it is used.
        for (int v = n - 1; v >= 0; v--)
            if (users[v].Count > 0 && inputs[v].All(u => inputs[u].Count == 0)) layer[v] = users[v].Min(u => layer[u]) - 1;

        // 2. Dummy nodes: vertex ids n, n+1, … ; each edge remembers its chain of vertices.
        var vLayer = new List<int>(layer);
        var up = new List<List<int>>(inputs.Select(l => new List<int>()));     // adjacency between consecutive layers
        var down = new List<List<int>>(inputs.Select(l => new List<int>()));
        var chains = new List<int>[g.Edges.Count];
        for (int k = 0; k < g.Edges.Count; k++)
        {
            var (from, to) = (g.Edges[k].From, g.Edges[k].To);
            var chain = new List<int> { from };
            for (int l = layer[from] + 1; l < layer[to]; l++)
            {
                vLayer.Add(l); up.Add([]); down.Add([]);
                chain.Add(vLayer.Count - 1);
            }
            chain.Add(to);
            for (int i = 0; i + 1 < chain.Count; i++) { down[chain[i]].Add(chain[i + 1]); up[chain[i + 1]].Add(chain[i]); }
            chains[k] = chain;
        }

        // 3. Ordering by barycentres, four sweeps down and up.
        int layers = vLayer.Max() + 1, vn = vLayer.Count;
        var rows = Enumerable.Range(0, layers).Select(_ => new List<int>()).ToArray();
        for (int v = 0; v < vn; v++) rows[vLayer[v]].Add(v);
        var pos = new double[vn];
        void Number() { foreach (var r in rows) for (int i = 0; i < r.Count; i++) pos[r[i]] = i; }
        Number();
        for (int sweep = 0; sweep < 4; sweep++)
        {
            for (int l = 1; l < layers; l++) SortBy(rows[l], up, pos);
            Number();
            for (int l = layers - 2; l >= 0; l--) SortBy(rows[l], down, pos);
            Number();
        }

        // 4. Coordinates: pack each layer, then relax towards neighbours while keeping order and gaps.
        var w = new float[vn]; var h = new float[vn]; var x = new double[vn];
        for (int v = 0; v < vn; v++) (w[v], h[v]) = v < n ? size(g.Nodes[v]) : (DummyWidth, 0);
        var rowHeight = rows.Select(r => r.Count == 0 ? 0 : r.Max(v => h[v])).ToArray();
        foreach (var r in rows) Pack(r, w, x, 0);
        for (int it = 0; it < 8; it++)
        {
            var neighbours = it % 2 == 0 ? up : down;
            foreach (var r in it % 2 == 0 ? rows : rows.Reverse())
            {
                foreach (var v in r)
                    if (v >= n) x[v] = (x[up[v][0]] + x[down[v][0]]) / 2;     // a dummy: on the line between its ends, so long edges run straight
                    else if (neighbours[v].Count > 0) x[v] = neighbours[v].Average(u => x[u]);
                Separate(r, w, x);
            }
        }
        double minX = Enumerable.Range(0, vn).Min(v => x[v] - w[v] / 2);
        double maxX = Enumerable.Range(0, vn).Max(v => x[v] + w[v] / 2);
        var y = new float[layers];
        float top = Margin;
        for (int l = 0; l < layers; l++) { y[l] = top + rowHeight[l] / 2; top += rowHeight[l] + LayerGap; }

        float X(int v) => (float)(x[v] - minX + Margin);
        var boxes = Enumerable.Range(0, n).Select(v => new Box(X(v), y[vLayer[v]], w[v], h[v])).ToArray();
        var paths = chains.Select(c => c.Select(v => (X(v), y[vLayer[v]])).ToList()).ToArray();
        return new Layout(boxes, paths, (float)(maxX - minX) + 2 * Margin, top - LayerGap + Margin);
    }

    // A stable sort of one layer by the mean position of each vertex's neighbours in the layer before;
    // a vertex with none keeps its place.
    static void SortBy(List<int> row, List<List<int>> neighbours, double[] pos)
    {
        var key = row.ToDictionary(v => v, v => neighbours[v].Count > 0 ? neighbours[v].Average(u => pos[u]) : pos[v]);
        var sorted = row.Select((v, i) => (v, i)).OrderBy(p => key[p.v]).ThenBy(p => p.i).Select(p => p.v).ToList();
        row.Clear(); row.AddRange(sorted);
    }

    static void Pack(List<int> row, float[] w, double[] x, double start)
    {
        double left = start;
        foreach (var v in row) { x[v] = left + w[v] / 2; left += w[v] + NodeGap; }
    }

    // Keeps the layer's order with at least NodeGap between boxes, moving them as little as it can:
    // push overlapping boxes right, then shift the whole row back so its mean position is unchanged.
    static void Separate(List<int> row, float[] w, double[] x)
    {
        if (row.Count == 0) return;
        double before = row.Average(v => x[v]);
        for (int i = 1; i < row.Count; i++)
        {
            double min = x[row[i - 1]] + (w[row[i - 1]] + w[row[i]]) / 2 + NodeGap;
            if (x[row[i]] < min) x[row[i]] = min;
        }
        double shift = before - row.Average(v => x[v]);
        foreach (var v in row) x[v] += shift;
    }
}
