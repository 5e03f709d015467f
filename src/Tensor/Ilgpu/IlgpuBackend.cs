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
/// The ILGPU backend: each primitive is one kernel launch (kernels in the <c>*Kernels.cs</c> files),
/// compiled once per (kernel, element type, op) and cached for this accelerator. Runs on CUDA,
/// OpenCL, or ILGPU's CPU accelerator. Elementwise primitives take the linear fast path when their
/// operands collapse to contiguous runs; reductions take every reduced axis in one launch; MatMul
/// goes to cuBLAS or the tiled kernel (IlgpuBackend.MatMul.cs). Kernel launches are queued on the
/// accelerator's stream: nothing here waits for the device except <see cref="Download{T}"/>.
/// </summary>
public sealed partial class IlgpuBackend : IBackend, ILaunchCounter
{
    readonly Accelerator _acc;
    readonly Dictionary<(string, Type, Type?), Delegate> _kernels = new();
    readonly object _launch = new();   // see Launch
    readonly BufferPool<MemoryBuffer1D<float, Stride1D.Dense>> _f32 = new();
    readonly BufferPool<MemoryBuffer1D<double, Stride1D.Dense>> _f64 = new();
    readonly int _maxThreads, _groupSize, _maxGroups;

    public Device Device { get; }
    public Accelerator Accelerator => _acc;
    /// <summary>Kernel launches (and cuBLAS calls) issued so far: what a GPU pays a few microseconds each for.</summary>
    public long Launches { get; private set; }

    /// <summary>
    /// Queues one kernel (or one cuBLAS call) and counts it: every launch of this backend goes through here.
    /// One thread at a time, because on OpenCL a kernel object keeps its arguments between launches: ILGPU
    /// sets them one by one (clSetKernelArg, the one OpenCL call that is not thread-safe on a shared kernel)
    /// and then queues the kernel, so two threads launching one kernel at once could queue it with a mix of
    /// both argument lists (one's buffer, the other's length). The device is one per process, and the test
    /// classes use it in parallel.
    /// </summary>
    void Launch(Action queue)
    {
        lock (_launch)
        {
            Launches++;
            queue();
        }
    }

    /// <summary>Whether reductions take GPU-sized groups and MatMul the tiled kernel (see the constructor).</summary>
    public bool GpuShaped { get; }
    /// <summary>Threads in each group of a group reduction: at most one per shared slot (see <see cref="ReduceGroupFor"/>).</summary>
    public int ReduceGroupSize => _groupSize;

    public IlgpuBackend(Device device, Accelerator accelerator, bool gpuShaped)
    {
        Device = device; _acc = accelerator; GpuShaped = gpuShaped;
        bool cpu = accelerator.AcceleratorType == AcceleratorType.CPU;
        // A GPU wants many threads in flight; ILGPU's CPU accelerator pays per thread and per barrier,
        // so it gets few threads and small groups (the kernels are the same) unless it is GPU-shaped,
        // where reductions take 256-thread groups as on a GPU, to test the multi-warp paths.
        _maxThreads = cpu ? 256 : 1 << 18;
        _groupSize = ReduceGroupFor(accelerator.WarpSize, accelerator.MaxNumThreadsPerGroup, gpuShaped);
        _maxGroups = cpu ? 64 : 8192;
        InitMatMul();
    }

    public long BytesAllocated => _f32.BytesAllocated + _f64.BytesAllocated;
    public void Synchronize() => _acc.Synchronize();

    public void Dispose()
    {
        DisposeMatMul();
        _acc.Synchronize();
        DisposeStaging();
        _f32.Trim(b => b.Dispose()); _f64.Trim(b => b.Dispose());
        _acc.Dispose();
    }

    public Storage Allocate(DType dtype, int length) => dtype == DType.Float32
        ? new IlgpuStorage<float>(Device, dtype, _acc, _f32, length)
        : new IlgpuStorage<double>(Device, dtype, _acc, _f64, length);

    static ArrayView<T> V<T>(NDArray a) where T : unmanaged => ((IlgpuStorage<T>)a.Storage).View;

    public void Download<T>(NDArray src, Span<T> destination) where T : unmanaged
    {
        _acc.Synchronize();
        if (src.Numel == 0) return;
        // ILGPU pins the span and waits for the stream (clFinish on OpenCL) before CopyToCPU returns
        // (ArrayViewExtensions.CopyToCPU(stream, span) in 1.5.3), so the span is ours again here.
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

    /// <summary>Threads for a grid-stride launch over n elements.</summary>
    int Threads(int n) => Math.Max(1, Math.Min(n, _maxThreads));
    static bool F32(NDArray a) => a.DType == DType.Float32;

    // ---------------- fill, random, copy ----------------

    public void Fill(NDArray dst, double value)
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) FillT(dst, (float)value); else FillT(dst, value);
    }

    void FillT<T>(NDArray d, T v) where T : unmanaged
    {
        var p = Collapse.Of(d.Shape, d);
        int n = d.Numel, l = Threads(n);
        if (p.Linear)
            Launch(() => Kernel("fill_linear", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, int, int, T>(Kernels.FillLinear))
                (l, V<T>(d), d.Offset, n, l, v));
        else
            Launch(() => Kernel("fill", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, T>(Kernels.Fill))
                (l, V<T>(d), Collapse.Layout(p, 0, d.Offset), n, l, v));
    }

    public void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1)
    {
        if (dst.Numel == 0) return;
        int n = dst.Numel, l = Threads(n);
        if (F32(dst))
            Launch(() => Kernel("random", typeof(float), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, Strided, int, int, int, ulong, ulong, float, float>(
                        Kernels.RandomF32))
                (l, V<float>(dst), Strided.Of(dst), n, l, (int)kind, seed, offset, (float)p0, (float)p1));
        else
            Launch(() => Kernel("random", typeof(double), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, Strided, int, int, int, ulong, ulong, double, double>(
                        Kernels.RandomF64))
                (l, V<double>(dst), Strided.Of(dst), n, l, (int)kind, seed, offset, p0, p1));
    }

    public void Copy(NDArray src, NDArray dst)
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) CopyT<float>(src, dst); else CopyT<double>(src, dst);
    }

    void CopyT<T>(NDArray s, NDArray d) where T : unmanaged
    {
        var p = Collapse.Of(d.Shape, s, d);
        int n = d.Numel, l = Threads(n);
        if (p.Linear)
            Launch(() => Kernel("copy_linear", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int>(Kernels.CopyLinear))
                (l, V<T>(s), s.Offset, V<T>(d), d.Offset, n, l));
        else
            Launch(() => Kernel("copy", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int>(Kernels.Copy))
                (l, V<T>(s), Collapse.Layout(p, 0, s.Offset), V<T>(d), Collapse.Layout(p, 1, d.Offset), n, l));
    }

    // ---------------- elementwise ----------------

    public void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) MapT<float, TOp>(src, dst, (float)a, (float)b); else MapT<double, TOp>(src, dst, a, b);
    }

    void MapT<T, TOp>(NDArray s, NDArray d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        var p = Collapse.Of(d.Shape, s, d);
        int n = d.Numel, l = Threads(n);
        if (p.Linear)
            Launch(() => Kernel("map_linear", typeof(T), typeof(TOp),
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, ArrayView<T>, int, int, int, T, T, TOp>(
                        Kernels.MapLinear<T, TOp>))
                (l, V<T>(s), s.Offset, V<T>(d), d.Offset, n, l, a, b, default));
        else
            Launch(() => Kernel("map", typeof(T), typeof(TOp),
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, int, int, T, T, TOp>(
                        Kernels.Map<T, TOp>))
                (l, V<T>(s), Collapse.Layout(p, 0, s.Offset), V<T>(d), Collapse.Layout(p, 1, d.Offset), n, l, a, b, default));
    }

    public void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) ZipT<float, TOp>(x, y, dst, (float)a, (float)b); else ZipT<double, TOp>(x, y, dst, a, b);
    }

    void ZipT<T, TOp>(NDArray x, NDArray y, NDArray d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        var p = Collapse.Of(d.Shape, x, y, d);
        int n = d.Numel, l = Threads(n);
        if (p.Linear)
            Launch(() => Kernel("zip_linear", typeof(T), typeof(TOp),
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, int, int, int, T, T, TOp>(
                        Kernels.ZipLinear<T, TOp>))
                (l, V<T>(x), x.Offset, V<T>(y), y.Offset, V<T>(d), d.Offset, n, l, a, b, default));
        else
            Launch(() => Kernel("zip", typeof(T), typeof(TOp),
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, ArrayView<T>, Strided,
                        int, int, T, T, TOp>(Kernels.Zip<T, TOp>))
                (l, V<T>(x), Collapse.Layout(p, 0, x.Offset), V<T>(y), Collapse.Layout(p, 1, y.Offset), V<T>(d), Collapse.Layout(p, 2, d.Offset),
                    n, l, a, b, default));
    }

    public void Where(NDArray cond, NDArray x, NDArray y, NDArray dst)
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) WhereT<float>(cond, x, y, dst); else WhereT<double>(cond, x, y, dst);
    }

    void WhereT<T>(NDArray c, NDArray x, NDArray y, NDArray d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = Collapse.Of(d.Shape, c, x, y, d);
        int n = d.Numel, l = Threads(n);
        if (p.Linear)
            Launch(() => Kernel("where_linear", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, int,
                        int, int>(Kernels.WhereLinear))
                (l, V<T>(c), c.Offset, V<T>(x), x.Offset, V<T>(y), y.Offset, V<T>(d), d.Offset, n, l));
        else
            Launch(() => Kernel("where", typeof(T), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, ArrayView<T>, Strided, ArrayView<T>, Strided,
                        ArrayView<T>, Strided, int, int>(Kernels.Where))
                (l, V<T>(c), Collapse.Layout(p, 0, c.Offset), V<T>(x), Collapse.Layout(p, 1, x.Offset), V<T>(y), Collapse.Layout(p, 2, y.Offset),
                    V<T>(d), Collapse.Layout(p, 3, d.Offset), n, l));
    }

    public void Update<T, TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, TRule rule) where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IUpdateRule<T>
    {
        if (p.Numel == 0) return;
        int n = p.Numel, l = Threads(n);
        Launch(() => Kernel("update", typeof(T), typeof(TRule),
                () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, int, ArrayView<T>, int,
                    int, int, TRule>(Kernels.Update<T, TRule>))
            (l, V<T>(p), p.Offset, V<T>(g), g.Offset, V<T>(s1), s1.Offset, V<T>(s2), s2.Offset, n, l, rule));
    }
}
