namespace Scratch.Tensors;

/// <summary>
/// Wraps a backend and, for every primitive call, counts what a GPU would have to do: kernel
/// launches, bytes read and written (each distinct element once: a broadcast operand is read at its
/// own size), and floating-point operations (a multiply-add is 2; exp, log, tanh and pow count 8).
/// `scratch bench WORKLOAD --estimate GPU` turns these into a roofline time per step.
/// </summary>
public sealed class CostMeter(IBackend inner) : DelegatingBackend(inner)
{
    public readonly record struct Call(string Primitive, long Launches, double BytesRead, double BytesWritten, double Flops);
    readonly List<Call> _calls = new();
    readonly ILaunchCounter? _counter = inner.Innermost() as ILaunchCounter;   // the ILGPU backend counts its own launches
    public IReadOnlyList<Call> Calls => _calls;
    public void Reset() => _calls.Clear();

    // A launch count from the backend itself where it counts them (the ILGPU backend, under any
    // profiler), else one per primitive.
    void Run(string name, double read, double written, double flops, Action f)
    {
        var counter = _counter;
        long before = counter?.Launches ?? 0;
        f();
        long launches = counter != null ? counter.Launches - before : 1;
        _calls.Add(new Call(name, launches, read, written, flops));
    }

    /// <summary>Bytes of the distinct elements a view touches (broadcast dims, stride 0, count once).</summary>
    static double Footprint(NDArray a) => a.DType.Size() * (double)a.Shape.Where((d, i) => a.Strides[i] != 0).Aggregate(1L, (p, d) => p * d);
    static double Bytes(NDArray a) => a.DType.Size() * (double)a.Numel;
    static double Cost<TOp>() =>
        typeof(TOp) == typeof(Op.Exp) || typeof(TOp) == typeof(Op.Log) || typeof(TOp) == typeof(Op.Tanh) || typeof(TOp) == typeof(Op.Sigmoid)
        || typeof(TOp) == typeof(Op.Pow) || typeof(TOp) == typeof(Op.PowTensor) ? 8 : 1;

    public override void Fill(NDArray dst, double value) => Run("fill", 0, Bytes(dst), 0, () => Inner.Fill(dst, value));
    public override void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1) =>
        Run("random", 0, Bytes(dst), 30.0 * dst.Numel, () => Inner.Random(dst, kind, seed, offset, p0, p1));   // ~10 Philox rounds + Box–Muller
    public override void Copy(NDArray src, NDArray dst) => Run("copy", Footprint(src), Bytes(dst), 0, () => Inner.Copy(src, dst));
    public override void Map<TOp>(NDArray src, NDArray dst, double a, double b) =>
        Run("map", Footprint(src), Bytes(dst), Cost<TOp>() * dst.Numel, () => Inner.Map<TOp>(src, dst, a, b));
    public override void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) =>
        Run("zip", Footprint(x) + Footprint(y), Bytes(dst), Cost<TOp>() * dst.Numel, () => Inner.Zip<TOp>(x, y, dst, a, b));
    public override void Where(NDArray cond, NDArray x, NDArray y, NDArray dst) =>
        Run("where", Footprint(cond) + Footprint(x) + Footprint(y), Bytes(dst), dst.Numel, () => Inner.Where(cond, x, y, dst));
    public override void Reduce<TOp>(NDArray src, NDArray dst) =>
        Run("reduce", Footprint(src), Bytes(dst), src.Numel, () => Inner.Reduce<TOp>(src, dst));
    public override void ArgMax(NDArray src, NDArray dst, int axis) =>
        Run("argmax", Footprint(src), Bytes(dst), src.Numel, () => Inner.ArgMax(src, dst, axis));
    public override void MatMul(NDArray a, NDArray b, NDArray c) =>
        Run("matmul", Footprint(a) + Footprint(b), Bytes(c), 2.0 * a.Shape[0] / c.Shape[0] * c.Numel * a.Shape[2], () => Inner.MatMul(a, b, c));
    public override void Im2Col(NDArray x, NDArray cols, ConvGeometry g) => Run("im2col", Bytes(x), Bytes(cols), 0, () => Inner.Im2Col(x, cols, g));
    public override void Col2Im(NDArray cols, NDArray x, ConvGeometry g) =>
        Run("col2im", Bytes(cols), Bytes(x), cols.Numel, () => Inner.Col2Im(cols, x, g));
    public override void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) =>
        Run("maxpool", Bytes(x), Bytes(values) + Bytes(indices), x.Numel, () => Inner.MaxPool(x, values, indices, g));
    public override void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) =>
        Run("pool_gather", Bytes(indices) + Bytes(dst), Bytes(dst), 0, () => Inner.PoolGather(x, indices, dst, g));
    public override void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) =>
        Run("pool_scatter", Bytes(src) + Bytes(indices), Bytes(dx), dx.Numel, () => Inner.PoolScatter(src, indices, dx, g));
    public override void Update<T, TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, TRule rule) =>
        Run("update", Bytes(p) + Bytes(g) + Bytes(s1) + (s2 == s1 ? 0 : Bytes(s2)), Bytes(p) + Bytes(s1) + (s2 == s1 ? 0 : Bytes(s2)), 10.0 * p.Numel,
            () => Inner.Update<T, TRule>(p, g, s1, s2, rule));
}
