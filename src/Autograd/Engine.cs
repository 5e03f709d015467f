using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>
/// Reverse mode: visit the graph from the outputs in reverse topological order, hand each node the
/// sum of the gradients flowing into its output, and pass on what its backward returns. Backward
/// runs with grad mode off (cheap) unless createGraph asks for the gradient's own graph.
/// </summary>
public static class Engine
{
    /// <summary>
    /// Release a backward's temporaries and each gradient once it has been passed on, on this thread
    /// (on by default; off, what a backward makes lives until its MemoryScope ends — the tests compare).
    /// </summary>
    public static bool FreeAsYouGo { get => !_keepAll; set => _keepAll = !value; }
    [ThreadStatic] static bool _keepAll;

    /// <summary>Gradients of outputs with respect to inputs (PyTorch's torch.autograd.grad). Leaves' Grad is untouched.</summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
                                 bool createGraph = false, bool? retainGraph = null, bool allowUnused = false)
    {
        var grads = Run(outputs, gradOutputs, createGraph, retainGraph ?? createGraph, accumulateLeaves: false, targets: inputs);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (grads.TryGetValue(inputs[i], out var g)) result[i] = g;
            else if (allowUnused) result[i] = inputs[i].ZerosLike();   // PyTorch's allow_unused with materialize_grads
            else throw new InvalidOperationException(
                $"grad: input {i} ({inputs[i].ShapeStr}) was not used to compute the outputs; pass allowUnused: true to get zeros for it");
        }
        return result;
    }

    /// <summary>Accumulates d(outputs)/d(leaf) into every leaf's Grad that requires grad.</summary>
    public static void Backward(Tensor output, Tensor? gradOutput = null, bool retainGraph = false, bool createGraph = false) =>
        Run([output], [gradOutput], createGraph, retainGraph || createGraph, accumulateLeaves: true);

    static Dictionary<Tensor, Tensor> Run(Tensor[] outputs, Tensor?[]? gradOutputs, bool createGraph, bool retain, bool accumulateLeaves,
        Tensor[]? targets = null)
    {
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (!o.RequiresGrad) throw new InvalidOperationException(
                $"backward: output {i} ({o.ShapeStr}) does not require grad: nothing it depends on requires grad");
            var g = gradOutputs != null && i < gradOutputs.Length ? gradOutputs[i] : null;
            if (g == null)
            {
                if (o.Numel != 1)
                    throw new InvalidOperationException($"backward: output {o.ShapeStr} is not a scalar; pass a gradient of that shape");
                g = new Tensor(o.Data.OnesLike());
            }
            else if (!Shape.Same(g.Shape, o.Shape))
                throw new ArgumentException($"backward: gradient {g.ShapeStr} does not match output {o.ShapeStr}");
            Accumulate(grads, o, g);
        }

        var order = TopologicalOrder(outputs);
        var needed = targets == null ? null : Needed(order, targets);
        GradientBuffers? buffers;
        using (createGraph ? GradMode.EnableGrad() : GradMode.NoGrad()) buffers = Propagate(order, grads, needed, retain, targets);

        if (accumulateLeaves)
        {
            // A gradient may become a leaf's Grad as it is (no copy) only if nothing else can see its
            // memory: not a gradient the caller passed in, not one already given to another leaf, and
            // not saved by a graph that is kept for another backward.
            var taken = new HashSet<Storage>(ReferenceEqualityComparer.Instance);
            if (gradOutputs != null) foreach (var g in gradOutputs) if (g != null) taken.Add(g.Data.Storage);
            foreach (var (t, g) in grads)
                if (t.IsLeaf && t.RequiresGrad) AccumulateLeaf(t, g, createGraph, retain ? null : taken);
            buffers?.ReleaseLeafGradients(taken);   // those copied or added into a leaf's Grad, not adopted
        }
        return grads;
    }

    // Outputs first: each node receives the sum of its output's gradients and passes on its inputs'.
    // needed: when only some inputs' gradients were asked for (Grad), the tensors on a path to them.
    // Without createGraph, gradients are freed by last use (see GradientBuffers); with it they are
    // pieces of a graph that will be differentiated again, and the MemoryScope frees them.
    static GradientBuffers? Propagate(List<Tensor> order, Dictionary<Tensor, Tensor> grads, HashSet<Tensor>? needed, bool retain, Tensor[]? targets)
    {
        bool Needs(Tensor t) => t.RequiresGrad && (needed == null || needed.Contains(t));
        HashSet<Tensor>? forward = null;   // the graph being differentiated, as a set (createGraph only)
        var buffers = GradMode.Enabled || !FreeAsYouGo ? null : new GradientBuffers(grads, targets);
        for (int k = order.Count - 1; k >= 0; k--)
        {
            var t = order[k];
            if (!grads.TryGetValue(t, out var g) || !Needs(t)) continue;
            var node = t.Node!;
            if (node.Freed)
                throw new InvalidOperationException(
                    $"backward: the graph through '{node.Op}' was already freed by an earlier backward; " +
                    "pass retainGraph: true to the first call to go through it twice");
            var needs = Array.ConvertAll(node.Inputs, Needs);
            Tensor?[] inGrads;
            if (GradMode.Enabled) node.Lent = true;
            using (var call = buffers == null ? null : StorageRecorder.Start())
            {
                inGrads = node.Backward!(g, t, needs);
                for (int i = 0; i < inGrads.Length; i++) if (i >= needs.Length || !needs[i]) inGrads[i] = null;
                buffers?.Made(call!.Storages, inGrads);
            }
            if (GradMode.Enabled) MarkGradientGraph(inGrads, forward ??= new HashSet<Tensor>(order, ReferenceEqualityComparer.Instance));
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                var input = node.Inputs[i];
                if (inGrads[i] is not { } gi) continue;
                if (!Shape.Same(gi.Shape, input.Shape))
                    throw new InvalidOperationException(
                        $"internal: '{node.Op}' returned a gradient of shape {gi.ShapeStr} for an input of shape {input.ShapeStr}");
                if (buffers != null) buffers.Accumulate(input, gi);
                else Accumulate(grads, input, gi);
            }
            buffers?.Consumed(t);
            if (!retain) node.Free(release: buffers != null);   // its saved arrays too, when freeing as it goes
        }
        return buffers;
    }

    // Under createGraph a backward records ops of its own: the gradient's graph. They are the nodes
    // reachable from its results that are not in the graph being differentiated (forward tensors such
    // as y in d tanh = 1 − y² feed it too, and stay unmarked). Only the graph picture reads the mark.
    static void MarkGradientGraph(Tensor?[] results, HashSet<Tensor> forward)
    {
        var stack = new Stack<Tensor>(results.OfType<Tensor>());
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is not { FromBackward: false } n || forward.Contains(t)) continue;
            n.FromBackward = true;
            foreach (var i in n.Inputs) stack.Push(i);
        }
    }

    // The tensors that lie on a path from one of the targets: only their gradients are computed.
    static HashSet<Tensor> Needed(List<Tensor> order, Tensor[] targets)
    {
        var set = new HashSet<Tensor>(targets, ReferenceEqualityComparer.Instance);
        foreach (var t in order)   // inputs come before the tensors made from them
            if (t.Node!.Inputs.Any(set.Contains)) set.Add(t);
        return set;
    }

    static void Accumulate(Dictionary<Tensor, Tensor> grads, Tensor t, Tensor g) =>
        grads[t] = grads.TryGetValue(t, out var prev) ? prev + g : g;

    // A leaf's Grad outlives the step's MemoryScope. The first gradient after ZeroGrad is adopted when
    // it may be (its memory leaves the scope and the old buffer goes back to the pool): on a GPU that
    // saves one copy kernel per parameter and step. Otherwise it is copied into the kept buffer, and
    // later gradients are summed in place.
    static void AccumulateLeaf(Tensor leaf, Tensor g, bool createGraph, HashSet<Storage>? taken)
    {
        if (createGraph) { leaf.Grad = leaf.Grad == null ? g : leaf.Grad + g; return; }
        var spare = leaf.SpareGrad is { } s && !s.Data.Storage.IsReleased ? s : null;
        if (leaf.Grad == null && taken != null && Adoptable(g.Data, taken))
        {
            leaf.Grad = new Tensor(g.Data);
            leaf.SpareGrad = null;
            spare?.Data.Storage.Release();
        }
        else if (leaf.Grad == null && spare != null)
        {
            spare.Data.CopyFrom(g.Data);
            leaf.Grad = spare;
            leaf.SpareGrad = null;
        }
        else if (leaf.Grad == null || leaf.Grad.Node != null || leaf.Grad.Data.Storage.IsReleased)
        {
            using (MemoryScope.Untracked()) leaf.Grad = new Tensor(g.Data.Clone());
        }
        else leaf.Grad.Data.AddInPlace(g.Data);
    }

    // The array must cover its whole storage, contiguously, and be owned by an open MemoryScope (which
    // then lets go of it); an array made outside every scope may be the caller's and is copied.
    static bool Adoptable(NDArray a, HashSet<Storage> taken) =>
        a.IsContiguous && a.Offset == 0 && a.Numel == a.Storage.Length && !a.Storage.IsReleased
        && !taken.Contains(a.Storage) && MemoryScope.Disown(a.Storage) && taken.Add(a.Storage);

    // Iterative depth-first search: deep graphs (long training unrolls) must not overflow the stack.
    static List<Tensor> TopologicalOrder(Tensor[] outputs)
    {
        var order = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor, bool)>();
        foreach (var o in outputs) stack.Push((o, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded) { order.Add(t); continue; }
            if (t.Node == null || !seen.Add(t)) continue;
            stack.Push((t, true));
            foreach (var i in t.Node.Inputs) if (i.Node != null && !seen.Contains(i)) stack.Push((i, false));
        }
        return order;
    }
}

public sealed partial class Tensor
{
    /// <summary>Backpropagates from this tensor into the Grad of every leaf that requires grad.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Engine.Backward(this, gradient, retainGraph, createGraph);
}
