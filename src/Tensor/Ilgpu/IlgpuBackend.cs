using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace Scratch.Tensors.Ilgpu;

internal sealed class IlgpuStorage<T> : Storage where T : unmanaged
{
    MemoryBuffer1D<T, Stride1D.Dense>? _buffer;
    readonly BufferPool<MemoryBuffer1D<T, Stride1D.Dense>> _pool;
    public IlgpuStorage(Device d, DType dt, Accelerator acc, BufferPool<MemoryBuffer1D<T, Stride1D.Dense>> pool, int n) : base(d, dt, n)
    {
        _pool = pool;
        _buffer = pool.Rent(n, dt.Size(), len => acc.Allocate1D<T>(Math.Max(len, 1)));
    }
    public ArrayView<T> View { get { ThrowIfReleased(); return _buffer!.View; } }
    protected override void ReturnBuffer() { _pool.Return(Length, DType.Size(), _buffer!); _buffer = null; }
}

/// <summary>
/// The ILGPU backend: each primitive is one kernel in <see cref="Kernels"/>, compiled once per
/// (element type, op) and cached for this accelerator. Runs on CUDA, OpenCL, or ILGPU's CPU
/// accelerator. Device memory comes from a per-size pool and goes back to it when a
/// <see cref="MemoryScope"/> releases it, so a training loop stops allocating after warm-up.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    readonly Accelerator _acc;
    readonly Dictionary<(string, Type, Type?), Delegate> _kernels = new();
    readonly BufferPool<MemoryBuffer1D<float, Stride1D.Dense>> _f32 = new();
    readonly BufferPool<MemoryBuffer1D<double, Stride1D.Dense>> _f64 = new();
    readonly int _maxLaunch;

    public Device Device { get; }
    public Accelerator Accelerator => _acc;

    public IlgpuBackend(Device device, Accelerator accelerator)
    {
        Device = device; _acc = accelerator;
        // A GPU wants many threads; the CPU emulator pays per thread, so it gets a few hundred.
        _maxLaunch = accelerator.AcceleratorType == AcceleratorType.CPU ? 256 : 1 << 18;
    }

    public long BytesAllocated => _f32.BytesAllocated + _f64.BytesAllocated;
    public void Synchronize() => _acc.Synchronize();

    public void Dispose()
    {
        _f32.Trim(b => b.Dispose()); _f64.Trim(b => b.Dispose());
        _acc.Dispose();
    }

    public Storage Allocate(DType dtype, int length) => dtype == DType.Float32
        ? new IlgpuStorage<float>(Device, dtype, _acc, _f32, length)
        : new IlgpuStorage<double>(Device, dtype, _acc, _f64, length);

    static ArrayView<T> V<T>(NDArray a) where T : unmanaged => ((IlgpuStorage<T>)a.Storage).View;

    public void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged
    {
        if (source.Length == 0) return;
        ((IlgpuStorage<T>)dst).View.SubView(0, source.Length).CopyFromCPU(source);
    }

    public void Download<T>(NDArray src, Span<T> destination) where T : unmanaged
    {
        _acc.Synchronize();
        if (src.Numel == 0) return;
        V<T>(src).SubView(src.Offset, src.Numel).CopyToCPU(destination);
    }

    // Loads a kernel once per (name, element type, op type) and keeps it for this accelerator.
    TDelegate Kernel<TDelegate>(string name, Type t, Type? op, Func<TDelegate> load) where TDelegate : Delegate
    {
        lock (_kernels)
        {
            if (!_kernels.TryGetValue((name, t, op), out var k)) _kernels[(name, t, op)] = k = load();
            return (TDelegate)k;
        }
    }

    int Launch(int n) => Math.Max(1, Math.Min(n, _maxLaunch));
    static bool F32(NDArray a) => a.DType == DType.Float32;

    public void Fill(NDArray dst, double value)
    {
        if (F32(dst)) FillT(dst, (float)value); else FillT(dst, value);
    }

    void FillT<T>(NDArray d, T v) where T : unmanaged
    {
        var k = Kernel("fill", typeof(T), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, T>(Kernels.Fill));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(d), Strided.Of(d), n, l, v);
    }

    public void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1)
    {
        int n = dst.Numel, l = Launch(n);
        if (F32(dst))
            Kernel("random", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, Strided, int, int, int, ulong, ulong, double, double>(Kernels.RandomF32))
                (l, V<float>(dst), Strided.Of(dst), n, l, (int)kind, seed, offset, p0, p1);
        else
            Kernel("random", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, Strided, int, int, int, ulong, ulong, double, double>(Kernels.RandomF64))
                (l, V<double>(dst), Strided.Of(dst), n, l, (int)kind, seed, offset, p0, p1);
    }

    public void Copy(NDArray src, NDArray dst)
    {
        if (F32(dst)) CopyT<float>(src, dst); else CopyT<double>(src, dst);
    }

    void CopyT<T>(NDArray s, NDArray d) where T : unmanaged
    {
        var k = Kernel("copy", typeof(T), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int>(Kernels.Copy));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(s), Strided.Of(s), V<T>(d), Strided.Of(d), n, l);
    }

    public void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp
    {
        if (F32(dst)) MapT<float, TOp>(src, dst, (float)a, (float)b); else MapT<double, TOp>(src, dst, a, b);
    }

    void MapT<T, TOp>(NDArray s, NDArray d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        var k = Kernel("map", typeof(T), typeof(TOp), () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int, T, T, TOp>(Kernels.Map<T, TOp>));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(s), Strided.Of(s), V<T>(d), Strided.Of(d), n, l, a, b, default);
    }

    public void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        if (F32(dst)) ZipT<float, TOp>(x, y, dst, (float)a, (float)b); else ZipT<double, TOp>(x, y, dst, a, b);
    }

    void ZipT<T, TOp>(NDArray x, NDArray y, NDArray d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        var k = Kernel("zip", typeof(T), typeof(TOp), () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int, T, T, TOp>(Kernels.Zip<T, TOp>));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(x), Strided.Of(x), V<T>(y), Strided.Of(y), V<T>(d), Strided.Of(d), n, l, a, b, default);
    }

    public void Where(NDArray cond, NDArray x, NDArray y, NDArray dst)
    {
        if (F32(dst)) WhereT<float>(cond, x, y, dst); else WhereT<double>(cond, x, y, dst);
    }

    void WhereT<T>(NDArray c, NDArray x, NDArray y, NDArray d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var k = Kernel("where", typeof(T), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int>(Kernels.Where));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(c), Strided.Of(c), V<T>(x), Strided.Of(x), V<T>(y), Strided.Of(y), V<T>(d), Strided.Of(d), n, l);
    }

    public void Reduce<TOp>(NDArray src, NDArray dst, int axis) where TOp : struct, IReduceOp
    {
        if (F32(dst)) ReduceT<float, TOp>(src, dst, axis); else ReduceT<double, TOp>(src, dst, axis);
    }

    void ReduceT<T, TOp>(NDArray s, NDArray d, int axis) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        var k = Kernel("reduce", typeof(T), typeof(TOp), () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, ArrayView<T>, Strided, int, int, TOp>(Kernels.Reduce<T, TOp>));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(s), Strided.Of(d.Shape, s.Strides, s.Offset), s.Shape[axis], s.Strides[axis], V<T>(d), Strided.Of(d), n, l, default);
    }

    public void ArgMax(NDArray src, NDArray dst, int axis)
    {
        if (F32(dst)) ArgMaxT<float>(src, dst, axis); else ArgMaxT<double>(src, dst, axis);
    }

    void ArgMaxT<T>(NDArray s, NDArray d, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var k = Kernel("argmax", typeof(T), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, ArrayView<T>, Strided, int, int>(Kernels.ArgMax));
        int n = d.Numel, l = Launch(n);
        k(l, V<T>(s), Strided.Of(d.Shape, s.Strides, s.Offset), s.Shape[axis], s.Strides[axis], V<T>(d), Strided.Of(d), n, l);
    }

    public void MatMul(NDArray a, NDArray b, NDArray c)
    {
        var g = new MatMulArgs
        {
            Ao = a.Offset, As0 = a.Strides[0], As1 = a.Strides[1], As2 = a.Strides[2],
            Bo = b.Offset, Bs0 = b.Strides[0], Bs1 = b.Strides[1], Bs2 = b.Strides[2],
            Co = c.Offset, M = c.Shape[1], N = c.Shape[2], K = a.Shape[2], Total = c.Numel, Inner = a.Shape[0] / c.Shape[0]
        };
        int l = Launch(g.Total);
        if (F32(c)) Kernel("matmul", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs, int>(Kernels.MatMul))(l, V<float>(a), V<float>(b), V<float>(c), g, l);
        else Kernel("matmul", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, MatMulArgs, int>(Kernels.MatMul))(l, V<double>(a), V<double>(b), V<double>(c), g, l);
    }

    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = cols.Numel, l = Launch(n);
        if (F32(x)) Kernel("im2col", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Im2Col))(l, V<float>(x), V<float>(cols), args, n, l);
        else Kernel("im2col", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Im2Col))(l, V<double>(x), V<double>(cols), args, n, l);
    }

    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = x.Numel, l = Launch(n);
        if (F32(x)) Kernel("col2im", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Col2Im))(l, V<float>(cols), V<float>(x), args, n, l);
        else Kernel("col2im", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Col2Im))(l, V<double>(cols), V<double>(x), args, n, l);
    }

    void PoolKernel(string name, NDArray a, NDArray b, NDArray c, ConvGeometry g, int aOffset, int cOffset, int total)
    {
        if (b.Offset != 0) b = b.Clone();   // the kernels index the middle array from 0
        var args = ConvArgs.Of(g, 0, aOffset, cOffset);
        int l = Launch(total);
        if (F32(a)) Kernel(name, typeof(float), null, () => LoadPool<float>(name))(l, V<float>(a), V<float>(b), V<float>(c), args, total, l);
        else Kernel(name, typeof(double), null, () => LoadPool<double>(name))(l, V<double>(a), V<double>(b), V<double>(c), args, total, l);
    }

    Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int> LoadPool<T>(string name) where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "maxpool" => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.MaxPool),
        "pool_gather" => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolGather),
        _ => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolScatter),
    };

    // Pool kernels address x and values through ConvArgs offsets; indices and the third array are contiguous from 0.
    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) =>
        PoolKernel("maxpool", x, values, indices, g, x.Offset, values.Offset, values.Numel);

    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) =>
        PoolKernel("pool_gather", x, indices, dst, g, x.Offset, dst.Offset, dst.Numel);

    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) =>
        PoolKernel("pool_scatter", src, indices, dx, g, dx.Offset, src.Offset, dx.Numel);
}
