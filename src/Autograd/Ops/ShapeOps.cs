using Scratch.Tensors;

namespace Scratch.Autograd;

// Views and copies that move elements without changing them: each backward moves the gradient back.
public sealed partial class Tensor
{
    public Tensor Reshape(params int[] shape)
    {
        var y = Data.Reshape(shape);
        if (Tensors.Shape.Same(y.Shape, Shape)) return this;
        return Function("reshape", y, [this], g => [g.Reshape(Shape)]);
    }

    public Tensor View(params int[] shape) => Reshape(shape);
    public Tensor Flatten(int startDim = 1) => Reshape([.. Shape.Take(startDim), -1]);

    public Tensor Permute(params int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i] < 0 ? order[i] + Rank : order[i]] = i;
        return Function("permute", Data.Permute(order), [this], g => [g.Permute(inverse)]);
    }

    public Tensor Transpose(int d0 = -2, int d1 = -1)
    {
        var order = Enumerable.Range(0, Rank).ToArray();
        int a = Tensors.Shape.Axis("transpose", d0, Rank), b = Tensors.Shape.Axis("transpose", d1, Rank);
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    public Tensor T => Transpose();

    public Tensor Unsqueeze(int axis) => Reshape(Data.Unsqueeze(axis).Shape);

    public Tensor Squeeze(params int[] axes) => Reshape(Data.Squeeze(axes).Shape);

    public Tensor Contiguous() => Data.IsContiguous ? this : Function("contiguous", Data.Contiguous(), [this], g => [g]);

    /// <summary>Elements start..start+length-1 along axis; its gradient is zero elsewhere.</summary>
    public Tensor Narrow(int axis, int start, int length)
    {
        int a = Tensors.Shape.Axis("narrow", axis, Rank);
        return Function("narrow", Data.Narrow(a, start, length), [this], g => [g.PadInto(Shape, a, start)]);
    }

    /// <summary>The adjoint of Narrow: places this tensor at start along axis inside zeros of shape.</summary>
    Tensor PadInto(int[] shape, int axis, int start)
    {
        var z = NDArray.Zeros(shape, DType, Device);
        z.Narrow(axis, start, Shape[axis]).CopyFrom(Data);
        return Function("pad", z, [this], g => [g.Narrow(axis, start, Shape[axis])]);
    }

    public static Tensor Cat(IReadOnlyList<Tensor> parts, int axis = 0)
    {
        int a = Tensors.Shape.Axis("cat", axis, parts[0].Rank);
        var y = NDArray.Cat(parts.Select(p => p.Data).ToList(), a);
        return Function("cat", y, parts.ToArray(), g =>
        {
            var grads = new Tensor?[parts.Count];
            int at = 0;
            for (int i = 0; i < parts.Count; i++) { grads[i] = g.Narrow(a, at, parts[i].Shape[a]); at += parts[i].Shape[a]; }
            return grads;
        });
    }

    public static Tensor Stack(IReadOnlyList<Tensor> parts, int axis = 0) => Cat(parts.Select(p => p.Unsqueeze(axis)).ToList(), axis);
}
