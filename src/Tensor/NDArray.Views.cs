namespace Scratch.Tensors;

// Views: new shape/strides/offset over the same storage, no copy. Where a view is impossible
// (reshaping a non-contiguous array) the op copies first, as PyTorch's reshape does.
public sealed partial class NDArray
{
    NDArray ViewOf(int[] shape, int[] strides, int offset) => new(Storage, shape, strides, offset);

    /// <summary>Same elements, new shape; one dimension may be -1 (inferred). Copies only when it must.</summary>
    public NDArray Reshape(params int[] shape)
    {
        shape = InferShape(shape);
        if (Tensors.Shape.Same(shape, Shape)) return this;
        var src = IsContiguous ? this : Contiguous();
        return src.ViewOf(shape, Tensors.Shape.ContiguousStrides(shape), src.Offset);
    }

    /// <summary>Like Reshape, but refuses to copy (PyTorch's view).</summary>
    public NDArray View(params int[] shape)
    {
        if (!IsContiguous) throw new InvalidOperationException($"view: array of shape {ShapeStr} is not contiguous; use Reshape or Contiguous");
        return Reshape(shape);
    }

    int[] InferShape(int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        long known = 1;
        for (int i = 0; i < shape.Length; i++) if (i != infer) known *= shape[i];
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0) throw new ArgumentException($"reshape: cannot reshape {ShapeStr} into {Tensors.Shape.Str(shape)}");
            shape[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw new ArgumentException($"reshape: cannot reshape {ShapeStr} ({Numel} elements) into {Tensors.Shape.Str(shape)}");
        return shape;
    }

    /// <summary>Reorders dimensions: result dim i is this array's dim order[i].</summary>
    // TASK 0.1: a view, no copy: result dim i takes the size and stride of dim order[i] (−1 = last); refuse a non-permutation
    public NDArray Permute(params int[] order)
    {
        if (order.Length != Rank || order.Distinct().Count() != Rank || order.Any(o => o < -Rank || o >= Rank))
            throw new ArgumentException($"permute: order [{string.Join(",", order)}] is not a permutation of the {Rank} dims of {ShapeStr}");
        var o = order.Select(a => a < 0 ? a + Rank : a).ToArray();
        return ViewOf(o.Select(a => Shape[a]).ToArray(), o.Select(a => Strides[a]).ToArray(), Offset);
    }

    public NDArray Transpose(int d0 = -2, int d1 = -1)
    {
        var order = Enumerable.Range(0, Rank).ToArray();
        int a = Tensors.Shape.Axis("transpose", d0, Rank), b = Tensors.Shape.Axis("transpose", d1, Rank);
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>Broadcasts size-1 dims to larger sizes with stride 0: no memory is copied.</summary>
    public NDArray Expand(params int[] shape)
    {
        if (shape.Length < Rank) throw new ArgumentException($"expand: cannot expand {ShapeStr} to fewer dims {Tensors.Shape.Str(shape)}");
        int lead = shape.Length - Rank;
        var strides = new int[shape.Length];
        var newShape = (int[])shape.Clone();
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            int d = Shape[i - lead];
            if (shape[i] == -1) newShape[i] = d;
            if (d == newShape[i]) strides[i] = Strides[i - lead];
            else if (d == 1) strides[i] = 0;
            else throw new ArgumentException($"expand: cannot expand {ShapeStr} to {Tensors.Shape.Str(shape)} (dimension {i}: {d} is not 1)");
        }
        return ViewOf(newShape, strides, Offset);
    }

    public NDArray Unsqueeze(int axis)
    {
        int a = Tensors.Shape.Axis("unsqueeze", axis, Rank + 1);
        var s = Shape.ToList(); var st = Strides.ToList();
        s.Insert(a, 1); st.Insert(a, a < Rank ? Strides[a] * Shape[a] : 1);
        return ViewOf(s.ToArray(), st.ToArray(), Offset);
    }

    /// <summary>Removes the given size-1 dims, or all of them when none is named.</summary>
    public NDArray Squeeze(params int[] axes)
    {
        var drop = axes.Length == 0
            ? Enumerable.Range(0, Rank).Where(i => Shape[i] == 1).ToHashSet()
            : axes.Select(a => Tensors.Shape.Axis("squeeze", a, Rank)).ToHashSet();
        foreach (var a in drop) if (Shape[a] != 1) throw new ArgumentException($"squeeze: dimension {a} of {ShapeStr} has size {Shape[a]}, not 1");
        var keep = Enumerable.Range(0, Rank).Where(i => !drop.Contains(i)).ToArray();
        return ViewOf(keep.Select(i => Shape[i]).ToArray(), keep.Select(i => Strides[i]).ToArray(), Offset);
    }

    /// <summary>Elements start..start+length-1 along axis (PyTorch's narrow).</summary>
    // TASK 0.2: elements start … start+length−1 along axis, as a view: that dim's size becomes length, the offset moves start strides
    public NDArray Narrow(int axis, int start, int length)
    {
        int a = Tensors.Shape.Axis("narrow", axis, Rank);
        if (start < 0 || length < 0 || start + length > Shape[a])
            throw new ArgumentException($"narrow: range [{start}, {start + length}) is outside dimension {a} of size {Shape[a]} in {ShapeStr}");
        var s = (int[])Shape.Clone(); s[a] = length;
        return ViewOf(s, (int[])Strides.Clone(), Offset + start * Strides[a]);
    }

    /// <summary>Python's x[start:stop:step] along one axis.</summary>
    // TASK 0.3: x[start:stop:step] as a view: clamp like Python (−1 = last), size ⌈(stop−start)/step⌉, stride·step, offset at start
    public NDArray Slice(int axis, int start, int stop, int step = 1)
    {
        int a = Tensors.Shape.Axis("slice", axis, Rank);
        if (step <= 0) throw new ArgumentException($"slice: step must be positive, got {step}");
        start = Math.Clamp(start < 0 ? start + Shape[a] : start, 0, Shape[a]);
        stop = Math.Clamp(stop < 0 ? stop + Shape[a] : stop, start, Shape[a]);
        var s = (int[])Shape.Clone(); s[a] = (stop - start + step - 1) / step;
        var st = (int[])Strides.Clone(); st[a] *= step;
        return ViewOf(s, st, Offset + start * Strides[a]);
    }

    /// <summary>This array when already contiguous, else a dense copy.</summary>
    public NDArray Contiguous()
    {
        if (IsContiguous) return this;
        var r = Empty(Shape, DType, Device);
        Backend.Copy(this, r);
        return r;
    }

    /// <summary>A dense copy that shares nothing with this array.</summary>
    public NDArray Clone()
    {
        var r = Empty(Shape, DType, Device);
        Backend.Copy(this, r);
        return r;
    }

    /// <summary>Overwrites this array's elements with src (broadcast to this shape).</summary>
    public void CopyFrom(NDArray src)
    {
        CheckSame("copy", this, src);
        Backend.Copy(src.Expand(Shape), this);
    }

    /// <summary>Joins arrays along an existing axis.</summary>
    public static NDArray Cat(IReadOnlyList<NDArray> parts, int axis = 0)
    {
        if (parts.Count == 0) throw new ArgumentException("cat: no arrays given");
        var first = parts[0];
        int a = Tensors.Shape.Axis("cat", axis, first.Rank);
        foreach (var p in parts)
        {
            CheckSame("cat", first, p);
            if (p.Rank != first.Rank || Enumerable.Range(0, p.Rank).Any(i => i != a && p.Shape[i] != first.Shape[i]))
                throw new ArgumentException($"cat: shapes {first.ShapeStr} and {p.ShapeStr} differ outside axis {a}");
        }
        var shape = (int[])first.Shape.Clone();
        shape[a] = parts.Sum(p => p.Shape[a]);
        var r = Empty(shape, first.DType, first.Device);
        int at = 0;
        foreach (var p in parts) { first.Backend.Copy(p, r.Narrow(a, at, p.Shape[a])); at += p.Shape[a]; }
        return r;
    }

    /// <summary>Joins same-shaped arrays along a new axis.</summary>
    public static NDArray Stack(IReadOnlyList<NDArray> parts, int axis = 0) =>
        Cat(parts.Select(p => p.Unsqueeze(axis)).ToList(), axis);

    internal static void CheckSame(string op, NDArray a, NDArray b)
    {
        if (a.DType != b.DType) throw new ArgumentException($"{op}: dtypes differ ({a.DType.Name()} {a.ShapeStr} vs {b.DType.Name()} {b.ShapeStr})");
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: devices differ ({a.Device} {a.ShapeStr} vs {b.Device} {b.ShapeStr}); move one with To(device)");
    }
}
