using Scratch.Tensors;

namespace Scratch.Autograd;

// Reductions and the broadcasting that is their adjoint: the gradient of a sum is the upstream
// gradient broadcast back over the summed dims, and the gradient of a broadcast is a sum.
public sealed partial class Tensor
{
    public Tensor Sum(int[]? axes = null, bool keepDim = false)
    {
        var kept = KeptShape(axes);
        return Function("sum", Data.Sum(axes, keepDim), [this], g => [g.Reshape(kept).Expand(Shape)]);
    }

    public Tensor Mean(int[]? axes = null, bool keepDim = false)
    {
        int n = Numel / Math.Max(1, Tensors.Shape.Numel(KeptShape(axes)));
        return Sum(axes, keepDim) * (1.0 / n);
    }

    /// <summary>Max over one axis; the gradient goes to the (first) position of the max, as in PyTorch.</summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        int a = Tensors.Shape.Axis("max", axis, Rank);
        var idx = Data.ArgMax(a, keepDim: true);
        var hot = idx.Squeeze(a).OneHot(Shape[a]);                         // [..., n] with the axis last
        var mask = Const(MoveLast(hot, a, Rank));                          // back to this tensor's layout
        var kept = KeptShape([a]);
        return Function("max", Data.Max([a], keepDim), [this], g => [g.Reshape(kept) * mask]);
    }

    // The one-hot axis is appended last; move it back to position axis.
    static NDArray MoveLast(NDArray hot, int axis, int rank)
    {
        var order = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) order[i] = i == axis ? rank - 1 : k++;
        return hot.Permute(order);
    }

    /// <summary>Max over all elements (a scalar), gradient to the first maximum.</summary>
    public Tensor Max() => Reshape(-1).Max(0);

    /// <summary>Index of the max along axis: not differentiable, a constant.</summary>
    public Tensor ArgMax(int axis, bool keepDim = false) => Const(Data.ArgMax(axis, keepDim));

    int[] KeptShape(int[]? axes)
    {
        var ax = axes == null || axes.Length == 0 ? Enumerable.Range(0, Rank).ToArray()
            : axes.Select(a => Tensors.Shape.Axis("reduce", a, Rank)).ToArray();
        return Shape.Select((d, i) => ax.Contains(i) ? 1 : d).ToArray();
    }

    /// <summary>Broadcasts size-1 (or missing leading) dims to shape, without copying.</summary>
    public Tensor Expand(params int[] shape)
    {
        if (Tensors.Shape.Same(shape, Shape)) return this;
        return Function("expand", Data.Expand(shape), [this], g => [g.SumTo(Shape)]);
    }

    /// <summary>Sums a broadcast tensor back down to shape (the adjoint of Expand).</summary>
    public Tensor SumTo(int[] shape)
    {
        if (Tensors.Shape.Same(shape, Shape)) return this;
        return Function("sum_to", Data.SumTo(shape), [this], g => [g.Expand(Shape)]);
    }

    /// <summary>Softmax along axis, stable: the max is subtracted first (a constant shift, so no gradient flows through it).</summary>
    public Tensor Softmax(int axis = -1)
    {
        var e = (this - Const(Data.Max([axis], keepDim: true))).Exp();
        return e / e.Sum([axis], keepDim: true);
    }

    /// <summary>log(softmax(x)) = x − logsumexp(x), computed without overflow.</summary>
    public Tensor LogSoftmax(int axis = -1)
    {
        var z = this - Const(Data.Max([axis], keepDim: true));
        return z - z.Exp().Sum([axis], keepDim: true).Log();
    }

    /// <summary>log Σ exp(x) along axis, stable.</summary>
    public Tensor LogSumExp(int axis = -1, bool keepDim = false)
    {
        var m = Const(Data.Max([axis], keepDim: true));
        var r = (this - m).Exp().Sum([axis], keepDim: true).Log() + m;
        return keepDim ? r : r.Squeeze(axis);
    }
}
