namespace Scratch.Tensors;

/// <summary>
/// A backend that wraps another and forwards every call to it. The wrappers (the profiler, the
/// cost meter) derive from it and override only the calls they observe, so a primitive added to
/// <see cref="IBackend"/> is written here once.
/// </summary>
public abstract class DelegatingBackend(IBackend inner) : IBackendWrapper
{
    /// <summary>The backend every call goes to.</summary>
    public IBackend Inner { get; } = inner;

    public virtual Device Device => Inner.Device;
    public virtual long BytesAllocated => Inner.BytesAllocated;
    public virtual void Synchronize() => Inner.Synchronize();
    public virtual void Dispose() => Inner.Dispose();
    public virtual Storage Allocate(DType dtype, int length) => Inner.Allocate(dtype, length);
    public virtual void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged => Inner.Upload(source, dst);
    public virtual void Download<T>(NDArray src, Span<T> destination) where T : unmanaged => Inner.Download(src, destination);
    public virtual void Fill(NDArray dst, double value) => Inner.Fill(dst, value);
    public virtual void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1) =>
        Inner.Random(dst, kind, seed, offset, p0, p1);
    public virtual void Copy(NDArray src, NDArray dst) => Inner.Copy(src, dst);
    public virtual void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp => Inner.Map<TOp>(src, dst, a, b);
    public virtual void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp =>
        Inner.Zip<TOp>(x, y, dst, a, b);
    public virtual void Where(NDArray cond, NDArray x, NDArray y, NDArray dst) => Inner.Where(cond, x, y, dst);
    public virtual void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp => Inner.Reduce<TOp>(src, dst);
    public virtual void ArgMax(NDArray src, NDArray dst, int axis) => Inner.ArgMax(src, dst, axis);
    public virtual void MatMul(NDArray a, NDArray b, NDArray c) => Inner.MatMul(a, b, c);
    public virtual void Im2Col(NDArray x, NDArray cols, ConvGeometry g) => Inner.Im2Col(x, cols, g);
    public virtual void Col2Im(NDArray cols, NDArray x, ConvGeometry g) => Inner.Col2Im(cols, x, g);
    public virtual void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) => Inner.MaxPool(x, values, indices, g);
    public virtual void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) => Inner.PoolGather(x, indices, dst, g);
    public virtual void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) => Inner.PoolScatter(src, indices, dx, g);
    public virtual void Update<T, TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, TRule rule)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TRule : struct, IUpdateRule<T> =>
        Inner.Update<T, TRule>(p, g, s1, s2, rule);
}
