namespace Scratch.Tensors;

// Elementwise ops and reductions, each one call to a primitive. Operators broadcast like NumPy.
public sealed partial class NDArray
{
    public NDArray Map<TOp>(double a = 0, double b = 0) where TOp : struct, IUnaryOp
    {
        var r = Empty(Shape, DType, Device);
        Backend.Map<TOp>(this, r, a, b);
        return r;
    }

    public static NDArray Zip<TOp>(string name, NDArray x, NDArray y, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        CheckSame(name, x, y);
        var shape = Tensors.Shape.Broadcast(name, x.Shape, y.Shape);
        var r = Empty(shape, x.DType, x.Device);
        x.Backend.Zip<TOp>(x.Expand(shape), y.Expand(shape), r, a, b);
        return r;
    }

    /// <summary>this = op(this, y; a, b) in place (y broadcast to this shape): optimizer updates without temporaries.</summary>
    public void ZipInPlace<TOp>(NDArray y, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        CheckSame(typeof(TOp).Name.ToLowerInvariant() + "_", this, y);
        Backend.Zip<TOp>(this, y.Expand(Shape), this, a, b);
    }

    public NDArray Neg() => Map<Op.Neg>();
    public NDArray Exp() => Map<Op.Exp>();
    public NDArray Log() => Map<Op.Log>();
    public NDArray Sqrt() => Map<Op.Sqrt>();
    public NDArray Abs() => Map<Op.Abs>();
    public NDArray Tanh() => Map<Op.Tanh>();
    public NDArray Sigmoid() => Map<Op.Sigmoid>();
    public NDArray Relu() => Map<Op.Relu>();
    public NDArray LeakyRelu(double slope) => Map<Op.LeakyRelu>(slope);
    public NDArray Pow(double p) => Map<Op.Pow>(p);
    public NDArray Clamp(double min, double max) => Map<Op.Clamp>(min, max);
    public NDArray Sign() => Map<Op.Sign>();
    public NDArray ScaleShift(double scale, double shift) => Map<Op.ScaleShift>(scale, shift);
    public NDArray Above(double threshold) => Map<Op.Above>(threshold);

    public static NDArray operator +(NDArray x, NDArray y) => Zip<Op.Add>("add", x, y);
    public static NDArray operator -(NDArray x, NDArray y) => Zip<Op.Sub>("sub", x, y);
    public static NDArray operator *(NDArray x, NDArray y) => Zip<Op.Mul>("mul", x, y);
    public static NDArray operator /(NDArray x, NDArray y) => Zip<Op.Div>("div", x, y);
    public static NDArray operator -(NDArray x) => x.Neg();
    public static NDArray operator +(NDArray x, double s) => x.ScaleShift(1, s);
    public static NDArray operator -(NDArray x, double s) => x.ScaleShift(1, -s);
    public static NDArray operator *(NDArray x, double s) => x.ScaleShift(s, 0);
    public static NDArray operator /(NDArray x, double s) => x.ScaleShift(1 / s, 0);
    public static NDArray operator +(double s, NDArray x) => x.ScaleShift(1, s);
    public static NDArray operator -(double s, NDArray x) => x.ScaleShift(-1, s);
    public static NDArray operator *(double s, NDArray x) => x.ScaleShift(s, 0);

    public NDArray Pow(NDArray e) => Zip<Op.PowTensor>("pow", this, e);
    public static NDArray Maximum(NDArray x, NDArray y) => Zip<Op.Maximum>("maximum", x, y);
    public static NDArray Minimum(NDArray x, NDArray y) => Zip<Op.Minimum>("minimum", x, y);
    public NDArray Eq(NDArray y) => Zip<Op.Eq>("eq", this, y);
    public NDArray Lt(NDArray y) => Zip<Op.Lt>("lt", this, y);
    public NDArray Le(NDArray y) => Zip<Op.Le>("le", this, y);
    public NDArray Gt(NDArray y) => Zip<Op.Gt>("gt", this, y);
    public NDArray Ge(NDArray y) => Zip<Op.Ge>("ge", this, y);

    /// <summary>cond != 0 ? x : y, all three broadcast together.</summary>
    public static NDArray Where(NDArray cond, NDArray x, NDArray y)
    {
        CheckSame("where", cond, x); CheckSame("where", x, y);
        var shape = Tensors.Shape.Broadcast("where", Tensors.Shape.Broadcast("where", cond.Shape, x.Shape), y.Shape);
        var r = Empty(shape, x.DType, x.Device);
        x.Backend.Where(cond.Expand(shape), x.Expand(shape), y.Expand(shape), r);
        return r;
    }

    // In-place updates, for parameters and optimizer state that must keep their storage.
    public void AddInPlace(NDArray y) { CheckSame("add_", this, y); Backend.Zip<Op.Add>(this, y.Expand(Shape), this); }
    public void MulInPlace(NDArray y) { CheckSame("mul_", this, y); Backend.Zip<Op.Mul>(this, y.Expand(Shape), this); }
    public void ScaleShiftInPlace(double scale, double shift) => Backend.Map<Op.ScaleShift>(this, this, scale, shift);
    public void ClampInPlace(double min, double max) => Backend.Map<Op.Clamp>(this, this, min, max);
    public void Fill(double v) => Backend.Fill(this, v);

    /// <summary>One optimizer step on this parameter in one pass (see <see cref="IUpdateRule{T}"/>); s2 may be s1.</summary>
    public void UpdateInPlace<T, TRule>(NDArray grad, NDArray s1, NDArray s2, TRule rule)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TRule : struct, IUpdateRule<T>
    {
        if (DType != (typeof(T) == typeof(float) ? DType.Float32 : DType.Float64))
            throw new ArgumentException($"update: a rule in {typeof(T).Name} for a parameter of {DType}");
        foreach (var (a, name) in new[] { (grad, "gradient"), (s1, "state"), (s2, "state") })
        {
            CheckSame("update", this, a);
            if (!Tensors.Shape.Same(a.Shape, Shape) || !a.IsContiguous)
                throw new ArgumentException($"update: the {name} must be contiguous and of the parameter's shape {ShapeStr}, got {a.ShapeStr}");
        }
        if (!IsContiguous) throw new ArgumentException($"update: the parameter must be contiguous");
        Backend.Update<T, TRule>(this, grad, s1, s2, rule);
    }

    // ---------------- reductions ----------------

    int[] Axes(string op, int[]? axes) =>
        axes == null || axes.Length == 0 ? Enumerable.Range(0, Rank).ToArray()
        : axes.Select(a => Tensors.Shape.Axis(op, a, Rank)).Distinct().OrderBy(a => a).ToArray();

    NDArray ReduceAxes<TOp>(string op, int[]? axes, bool keepDim) where TOp : struct, IReduceOp
    {
        var ax = Axes(op, axes);
        // Merge a run of adjacent reduced axes of a contiguous array into one: a plain row reduction.
        if (ax.Length > 1 && IsContiguous && ax[^1] - ax[0] == ax.Length - 1)
        {
            var merged = Shape.Take(ax[0]).Append(ax.Aggregate(1, (p, a) => p * Shape[a])).Concat(Shape.Skip(ax[^1] + 1)).ToArray();
            return Finish(Reshape(merged).ReduceInto<TOp>([ax[0]]), ax, keepDim);
        }
        return Finish(ReduceInto<TOp>(ax), ax, keepDim);
    }

    NDArray Finish(NDArray reduced, int[] ax, bool keepDim)
    {
        var kept = Shape.Select((d, i) => ax.Contains(i) ? 1 : d).ToArray();
        var r = reduced.Reshape(kept);
        return keepDim ? r : r.Reshape(Shape.Where((d, i) => !ax.Contains(i)).ToArray());
    }

    // One primitive call for all the axes: the result keeps them with size 1.
    NDArray ReduceInto<TOp>(int[] axes) where TOp : struct, IReduceOp
    {
        var s = (int[])Shape.Clone();
        foreach (var a in axes) s[a] = 1;
        var r = Empty(s, DType, Device);
        if (axes.Any(a => Shape[a] == 0)) { r.Fill(default(TOp).Identity<double>()); return r; }
        if (axes.All(a => Shape[a] == 1)) { Backend.Copy(this, r); return r; }   // nothing to combine
        Backend.Reduce<TOp>(this, r);
        return r;
    }

    public NDArray Sum(int[]? axes = null, bool keepDim = false) => ReduceAxes<Op.Sum>("sum", axes, keepDim);
    public NDArray Max(int[]? axes = null, bool keepDim = false) => ReduceAxes<Op.Max>("max", axes, keepDim);
    public NDArray Mean(int[]? axes = null, bool keepDim = false)
    {
        int n = Axes("mean", axes).Aggregate(1, (p, a) => p * Shape[a]);
        return Sum(axes, keepDim) * (1.0 / n);
    }

    public NDArray ArgMax(int axis, bool keepDim = false)
    {
        int a = Tensors.Shape.Axis("argmax", axis, Rank);
        var s = (int[])Shape.Clone(); s[a] = 1;
        var r = Empty(s, DType, Device);
        Backend.ArgMax(this, r, a);
        return keepDim ? r : r.Squeeze(a);
    }

    /// <summary>Sums a broadcast result back to a smaller shape it was broadcast from (gradients of broadcasting).</summary>
    public NDArray SumTo(int[] shape)
    {
        if (Tensors.Shape.Same(shape, Shape)) return this;
        int lead = Rank - shape.Length;
        if (lead < 0) throw new ArgumentException($"sum_to: cannot sum {ShapeStr} to larger shape {Tensors.Shape.Str(shape)}");
        var axes = Enumerable.Range(0, Rank).Where(i => i < lead || (shape[i - lead] == 1 && Shape[i] != 1)).ToArray();
        var r = axes.Length > 0 ? Sum(axes, keepDim: true) : this;
        return r.Reshape(shape);
    }

    /// <summary>Labels (any shape) → one-hot with a new last axis of size classes.</summary>
    public NDArray OneHot(int classes)
    {
        var cls = Arange(classes, DType, Device);
        return Unsqueeze(-1).Eq(cls);
    }
}
