using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>
/// Frees a backward pass's buffers by last use, as PyTorch's reference counts do. The engine knows
/// every reader of the buffers a backward makes: a node's temporaries are read by nobody once it
/// returns, and a gradient is read by the node it flows into, then by nobody. So each buffer made
/// during this pass ("mine": no caller can hold it) goes back to the pool the moment its count of
/// holders — entries of the gradient table — drops to zero. A gradient that is an answer (a target
/// of Grad, a leaf's adopted Grad) keeps its holder. Only without createGraph: with it, gradients are
/// a graph that will be differentiated again, and the MemoryScope frees them.
/// </summary>
internal sealed class GradientBuffers
{
    readonly Dictionary<Tensor, Tensor> _grads;
    readonly HashSet<Tensor>? _targets;
    readonly Dictionary<Storage, int> _holders = new(ReferenceEqualityComparer.Instance);
    readonly HashSet<Storage> _mine = new(ReferenceEqualityComparer.Instance);

    public GradientBuffers(Dictionary<Tensor, Tensor> grads, Tensor[]? targets)
    {
        _grads = grads;
        _targets = targets == null ? null : new HashSet<Tensor>(targets, ReferenceEqualityComparer.Instance);
        foreach (var g in grads.Values) Hold(g.Data.Storage);   // the outputs' gradients: the caller's, never freed
    }

    /// <summary>After one node's backward: what it allocated is mine; all but its results are temporaries, freed now.</summary>
    public void Made(List<Storage> allocated, Tensor?[] results)
    {
        foreach (var s in allocated)
        {
            bool result = false;
            foreach (var r in results) if (r != null && ReferenceEquals(r.Data.Storage, s)) { result = true; break; }
            if (result) _mine.Add(s); else s.Release();
        }
    }

    /// <summary>Adds g to t's gradient; a sum replaces both terms, which are freed if nothing else holds them.</summary>
    public void Accumulate(Tensor t, Tensor g)
    {
        Hold(g.Data.Storage);
        if (!_grads.TryGetValue(t, out var prev)) { _grads[t] = g; return; }
        var sum = prev + g;
        _mine.Add(sum.Data.Storage);
        Hold(sum.Data.Storage);
        _grads[t] = sum;
        Drop(prev.Data.Storage);
        Drop(g.Data.Storage);
    }

    /// <summary>t's node has passed its gradient on: unless it is an answer, nothing reads it any more.</summary>
    public void Consumed(Tensor t)
    {
        if (_targets != null && _targets.Contains(t)) return;
        if (!_grads.Remove(t, out var g)) return;
        Drop(g.Data.Storage);
    }

    /// <summary>After the leaves took their gradients: those copied or summed into a Grad (not adopted) are done.</summary>
    public void ReleaseLeafGradients(HashSet<Storage> adopted)
    {
        foreach (var (t, g) in _grads)
        {
            if (!t.IsLeaf) continue;
            var s = g.Data.Storage;
            if (_mine.Contains(s) && !adopted.Contains(s)) s.Release();
        }
    }

    void Hold(Storage s) => _holders[s] = _holders.GetValueOrDefault(s) + 1;

    void Drop(Storage s)
    {
        int n = _holders.GetValueOrDefault(s) - 1;
        if (n > 0) { _holders[s] = n; return; }
        _holders.Remove(s);
        if (_mine.Contains(s)) s.Release();
    }
}
