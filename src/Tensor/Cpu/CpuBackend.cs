using System.Numerics;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// A CPU storage. One a scope owns (a step's temporaries) is a block of the allocator's segments and
/// goes back to it on release. One made outside every scope (parameters, optimizer state, a script
/// without scopes) is an array of its own, which the garbage collector frees when it is dropped, as
/// before: a block nobody returns would be lost to the allocator for good.
/// </summary>
internal sealed class CpuStorage<T> : Storage where T : unmanaged
{
    readonly CachingAllocator<T[]> _allocator;
    readonly CachingAllocator<T[]>.Block _block;   // Segment is null for an array of its own
    readonly T[] _own;
    int _orphaned;

    public CpuStorage(Device d, DType dt, CachingAllocator<T[]> allocator, int n) : base(d, dt, n)
    {
        _allocator = allocator;
        if (Scoped) { _block = allocator.Rent(n); _own = _block.Segment; }
        else _own = new T[n];
        GC.SuppressFinalize(this);   // only a block that leaves its scope needs the finalizer (Orphaned)
    }

    /// <summary>The array this storage's elements live in, from <see cref="Start"/> on.</summary>
    public T[] Data { get { ThrowIfReleased(); return _own; } }
    public int Start => _block.Start;

    protected override void ReturnBuffer()
    {
        if (_block.Segment == null) return;
        _allocator.Return(_block);
        if (Interlocked.Exchange(ref _orphaned, 0) == 1) { GC.SuppressFinalize(this); CpuBackend.OrphanDone(); }
    }

    // A block kept beyond every scope (a leaf's adopted gradient, a value the trainer keeps) is
    // returned by the finalizer if it is dropped without a release.
    protected internal override void Orphaned()
    {
        if (_block.Segment == null || IsReleased || Interlocked.Exchange(ref _orphaned, 1) == 1) return;
        CpuBackend.OrphanAdded();
        GC.ReRegisterForFinalize(this);
    }

    ~CpuStorage()
    {
        if (Interlocked.Exchange(ref _orphaned, 0) == 0) return;
        _allocator.Return(_block);
        CpuBackend.OrphanDone();
    }
}

/// <summary>
/// The managed CPU backend: plain C# loops over strided rows, SIMD fast paths for dense rows,
/// work split over threads in fixed chunks, a packed register-blocked GEMM (<see cref="CpuGemm"/>)
/// and im2col/col2im (<see cref="CpuConv"/>). Every primitive dispatches on dtype once, then runs
/// generic code specialised by the JIT for float or double and for the op functor.
/// </summary>
public sealed class CpuBackend(Device device) : IBackend
{
    // Storages are blocks of 32 MB segments: every CPU kernel reads a storage through its start
    // (<see cref="Start"/>) and shape, never its array's length.
    const int SegmentBytes = 32 << 20;
    readonly CachingAllocator<float[]> _f32 = new(n => new float[n], SegmentBytes / sizeof(float), ReclaimOrphans);
    readonly CachingAllocator<double[]> _f64 = new(n => new double[n], SegmentBytes / sizeof(double), ReclaimOrphans);

    // Blocks that left every scope and are not yet released: the garbage collector returns those that
    // were dropped. Before the allocator takes a new segment it runs a collection if any are out, so
    // dropped blocks are reused instead of the process growing.
    static long _orphans;
    internal static void OrphanAdded() => Interlocked.Increment(ref _orphans);
    internal static void OrphanDone() => Interlocked.Decrement(ref _orphans);
    static bool ReclaimOrphans()
    {
        if (Interlocked.Read(ref _orphans) == 0) return false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return true;
    }
    public Device Device { get; } = device;
    public long BytesAllocated => _f32.Reserved * sizeof(float) + _f64.Reserved * sizeof(double);
    public void Synchronize() { }
    public void Dispose() { _f32.Trim(); _f64.Trim(); }

    public Storage Allocate(DType dtype, int length) => dtype == DType.Float32
        ? new CpuStorage<float>(Device, dtype, _f32, length)
        : new CpuStorage<double>(Device, dtype, _f64, length);

    /// <summary>The array that holds a's elements; a's first element is at <see cref="Start"/>(a), not at a.Offset.</summary>
    internal static T[] Data<T>(NDArray a) where T : unmanaged => ((CpuStorage<T>)a.Storage).Data;
    /// <summary>Where a's first element is in <see cref="Data{T}"/>: its storage's start in the segment plus its own offset.</summary>
    internal static int Start(NDArray a) =>
        a.Offset + (a.DType == DType.Float32 ? ((CpuStorage<float>)a.Storage).Start : ((CpuStorage<double>)a.Storage).Start);

    public void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged
    {
        var s = (CpuStorage<T>)dst;
        source.CopyTo(s.Data.AsSpan(s.Start, dst.Length));
    }
    public void Download<T>(NDArray src, Span<T> destination) where T : unmanaged =>
        Data<T>(src).AsSpan(Start(src), src.Numel).CopyTo(destination);

    static bool F32(NDArray a) => a.DType == DType.Float32;

    public void Fill(NDArray dst, double value)
    {
        if (F32(dst)) FillT(dst, (float)value); else FillT(dst, value);
    }

    static void FillT<T>(NDArray dst, T v) where T : unmanaged
    {
        var d = Data<T>(dst);
        var p = new RowPlan(dst.Shape, dst);
        p.Run((r, c0, c1) =>
        {
            int o = p.Start(0, r) + c0 * p.Inner[0];
            if (p.Inner[0] == 1) d.AsSpan(o, c1 - c0).Fill(v);
            else for (int i = 0; i < c1 - c0; i++) d[o + i * p.Inner[0]] = v;
        });
    }

    public void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1)
    {
        if (F32(dst)) RandomT<float>(dst, kind, seed, offset, p0, p1); else RandomT<double>(dst, kind, seed, offset, p0, p1);
    }

    static void RandomT<T>(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1) where T : unmanaged, INumber<T>
    {
        var d = Data<T>(dst);
        var p = new RowPlan(dst.Shape, dst);
        p.Run((r, c0, c1) =>
        {
            int o = p.Start(0, r);
            for (int c = c0; c < c1; c++)
            {
                ulong counter = offset + (ulong)((long)r * p.Len + c);
                // float32 uses the float recipe the GPU kernels use, so both backends draw the same numbers.
                d[o + c * p.Inner[0]] = typeof(T) == typeof(float)
                    ? T.CreateTruncating(Philox.SampleF32(kind, counter, seed, (float)p0, (float)p1))
                    : T.CreateTruncating(Philox.Sample(kind, counter, seed, p0, p1));
            }
        });
    }

    public void Copy(NDArray src, NDArray dst)
    {
        if (F32(dst)) CopyT<float>(src, dst); else CopyT<double>(src, dst);
    }

    static void CopyT<T>(NDArray src, NDArray dst) where T : unmanaged
    {
        var s = Data<T>(src); var d = Data<T>(dst);
        var p = new RowPlan(dst.Shape, src, dst);
        p.Run((r, c0, c1) =>
        {
            int so = p.Start(0, r) + c0 * p.Inner[0], dO = p.Start(1, r) + c0 * p.Inner[1], n = c1 - c0;
            if (p.Inner[0] == 1 && p.Inner[1] == 1) s.AsSpan(so, n).CopyTo(d.AsSpan(dO, n));
            else for (int i = 0; i < n; i++) d[dO + i * p.Inner[1]] = s[so + i * p.Inner[0]];
        });
    }

    public void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp
    {
        if (F32(dst)) MapT<float, TOp>(src, dst, (float)a, (float)b); else MapT<double, TOp>(src, dst, a, b);
    }

    static void MapT<T, TOp>(NDArray src, NDArray dst, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        var x = Data<T>(src); var y = Data<T>(dst);
        var p = new RowPlan(dst.Shape, src, dst);
        p.Run((r, c0, c1) =>
        {
            int sx = p.Inner[0], sy = p.Inner[1], n = c1 - c0;
            int xo = p.Start(0, r) + c0 * sx, yo = p.Start(1, r) + c0 * sy;
            if (sx == 1 && sy == 1 && TOp.ApplyRow(x.AsSpan(xo, n), y.AsSpan(yo, n), a, b)) return;   // the op's SIMD form, if it has one
            var op = default(TOp);
            for (int i = 0; i < n; i++) y[yo + i * sy] = op.Apply(x[xo + i * sx], a, b);
        });
    }

    public void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        if (F32(dst)) ZipT<float, TOp>(x, y, dst, (float)a, (float)b); else ZipT<double, TOp>(x, y, dst, a, b);
    }

    static void ZipT<T, TOp>(NDArray xa, NDArray ya, NDArray da, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        var x = Data<T>(xa); var y = Data<T>(ya); var d = Data<T>(da);
        var p = new RowPlan(da.Shape, xa, ya, da);
        p.Run((r, c0, c1) =>
        {
            int sx = p.Inner[0], sy = p.Inner[1], sd = p.Inner[2], n = c1 - c0;
            int xo = p.Start(0, r) + c0 * sx, yo = p.Start(1, r) + c0 * sy, dO = p.Start(2, r) + c0 * sd;
            if (sd == 1)
            {
                // the op's SIMD form, if it has one, for two dense rows or one row and one broadcast value
                if (sx == 1 && sy == 1 && TOp.ApplyRow(x.AsSpan(xo, n), y.AsSpan(yo, n), d.AsSpan(dO, n), a, b)) return;
                if (sx == 1 && sy == 0 && TOp.ApplyRow(x.AsSpan(xo, n), y[yo], d.AsSpan(dO, n), a, b)) return;
                if (sx == 0 && sy == 1 && TOp.ApplyRow(x[xo], y.AsSpan(yo, n), d.AsSpan(dO, n), a, b)) return;
            }
            var op = default(TOp);
            for (int i = 0; i < n; i++) d[dO + i * sd] = op.Apply(x[xo + i * sx], y[yo + i * sy], a, b);
        });
    }

    public void Where(NDArray cond, NDArray x, NDArray y, NDArray dst)
    {
        if (F32(dst)) WhereT<float>(cond, x, y, dst); else WhereT<double>(cond, x, y, dst);
    }

    static void WhereT<T>(NDArray ca, NDArray xa, NDArray ya, NDArray da) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = Data<T>(ca); var x = Data<T>(xa); var y = Data<T>(ya); var d = Data<T>(da);
        var p = new RowPlan(da.Shape, ca, xa, ya, da);
        p.Run((r, c0, c1) =>
        {
            int co = p.Start(0, r), xo = p.Start(1, r), yo = p.Start(2, r), dO = p.Start(3, r);
            for (int i = c0; i < c1; i++)
                d[dO + i * p.Inner[3]] = c[co + i * p.Inner[0]] != T.Zero ? x[xo + i * p.Inner[1]] : y[yo + i * p.Inner[2]];
        });
    }

    /// <summary>
    /// The CPU reduces one axis per pass (each pass is a SIMD row reduction or row accumulation); several
    /// axes go through intermediate arrays, outermost axis first: that first, largest pass accumulates
    /// whole dense rows, and the later ones read what is left.
    /// </summary>
    public void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp
    {
        var axes = Enumerable.Range(0, src.Rank).Where(i => dst.Shape[i] == 1 && src.Shape[i] != 1).ToArray();
        var x = src;
        for (int k = 0; k < axes.Length; k++)
        {
            var target = k == axes.Length - 1 ? dst : NDArray.Empty(x.Shape.Select((d, i) => i == axes[k] ? 1 : d).ToArray(), dst.DType, Device);
            if (F32(dst)) ReduceT<float, TOp>(x, target, axes[k]); else ReduceT<double, TOp>(x, target, axes[k]);
            x = target;
        }
        if (axes.Length == 0) Copy(src, dst);
    }

    static void ReduceT<T, TOp>(NDArray sa, NDArray da, int axis) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        var s = Data<T>(sa); var d = Data<T>(da);
        int n = sa.Shape[axis];
        if (sa.IsContiguous && da.IsContiguous)
        {
            // View as [outer, n, inner]: inner == 1 reduces dense rows; otherwise whole rows are accumulated.
            int inner = sa.Shape.Skip(axis + 1).Aggregate(1, (q, v) => q * v);
            int outer = sa.Numel / Math.Max(1, n * inner);
            int so = Start(sa), dO = Start(da);
            if (inner == 1)
            {
                RowPlan.ForEachRow(outer, n, o => d[dO + o] = ReduceRow<T, TOp>(s.AsSpan(so + o * n, n)));
                return;
            }
            RowPlan.Parallel(outer, inner, (o, c0, c1) =>
            {
                var acc = d.AsSpan(dO + o * inner + c0, c1 - c0);
                s.AsSpan(so + o * n * inner + c0, c1 - c0).CopyTo(acc);
                for (int k = 1; k < n; k++) AccumulateRow<T, TOp>(acc, s.AsSpan(so + (o * n + k) * inner + c0, c1 - c0));
            }, n);
            return;
        }
        // General strided case: one output element per step, walking the reduced axis.
        var view = new NDArray(sa.Storage, da.Shape, sa.Strides, sa.Offset);
        int step = sa.Strides[axis];
        var p = new RowPlan(da.Shape, view, da);
        var op = default(TOp);
        p.Run((r, c0, c1) =>
        {
            int vo = p.Start(0, r), dO = p.Start(1, r);
            for (int c = c0; c < c1; c++)
            {
                int at = vo + c * p.Inner[0];
                var acc = op.Identity<T>();
                for (int k = 0; k < n; k++) acc = op.Combine(acc, s[at + k * step]);
                d[dO + c * p.Inner[1]] = acc;
            }
        }, n);
    }

    /// <summary>One dense row reduced: the op's SIMD form if it has one, else a fold with Combine.</summary>
    static T ReduceRow<T, TOp>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        if (TOp.ReduceRow(x, out T r)) return r;
        var op = default(TOp);
        var acc = op.Identity<T>();
        foreach (var v in x) acc = op.Combine(acc, v);
        return acc;
    }

    /// <summary>acc[i] = combine(acc[i], x[i]) for a whole row: the op's SIMD form if it has one.</summary>
    static void AccumulateRow<T, TOp>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        if (TOp.AccumulateRow(acc, x)) return;
        var op = default(TOp);
        for (int i = 0; i < acc.Length; i++) acc[i] = op.Combine(acc[i], x[i]);
    }

    public void ArgMax(NDArray src, NDArray dst, int axis)
    {
        if (F32(dst)) ArgMaxT<float>(src, dst, axis); else ArgMaxT<double>(src, dst, axis);
    }

    // TASK 3.2: src viewed with dst's shape and src's strides; a RowPlan over both, rows in parallel; each output scans its n values
    static void ArgMaxT<T>(NDArray sa, NDArray da, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Data<T>(sa); var d = Data<T>(da);
        int n = sa.Shape[axis], step = sa.Strides[axis];
        var view = new NDArray(sa.Storage, da.Shape, sa.Strides, sa.Offset);
        var p = new RowPlan(da.Shape, view, da);
        p.Run((r, c0, c1) =>
        {
            int vo = p.Start(0, r), dO = p.Start(1, r);
            for (int c = c0; c < c1; c++)
            {
                int at = vo + c * p.Inner[0], best = 0;
                for (int k = 1; k < n; k++) if (Op.ArgMaxTakes(s[at + k * step], s[at + best * step])) best = k;
                d[dO + c * p.Inner[1]] = T.CreateTruncating(best);
            }
        });
    }

    public void MatMul(NDArray a, NDArray b, NDArray c)
    {
        if (F32(c)) CpuGemm.Batched(a, b, c); else CpuGemm.BatchedGeneric<double>(a, b, c);
    }

    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g)
    {
        if (F32(x)) CpuConv.Im2Col<float>(x, cols, g); else CpuConv.Im2Col<double>(x, cols, g);
    }

    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g)
    {
        if (F32(x)) CpuConv.Col2Im<float>(cols, x, g); else CpuConv.Col2Im<double>(cols, x, g);
    }

    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g)
    {
        if (F32(x)) CpuPool.MaxPool<float>(x, values, indices, g); else CpuPool.MaxPool<double>(x, values, indices, g);
    }

    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g)
    {
        if (F32(x)) CpuPool.Gather<float>(x, indices, dst, g); else CpuPool.Gather<double>(x, indices, dst, g);
    }

    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g)
    {
        if (F32(dx)) CpuPool.Scatter<float>(src, indices, dx, g); else CpuPool.Scatter<double>(src, indices, dx, g);
    }

    public void Update<T, TRule>(NDArray pa, NDArray ga, NDArray s1a, NDArray s2a, TRule rule) where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IUpdateRule<T>
    {
        T[] p = Data<T>(pa), g = Data<T>(ga), s1 = Data<T>(s1a), s2 = Data<T>(s2a);
        int po = Start(pa), go = Start(ga), o1 = Start(s1a), o2 = Start(s2a);
        int w = Vector<T>.Count;
        RowPlan.Parallel(1, pa.Numel, (_, c0, c1) =>
        {
            int i = c0;
            for (; i <= c1 - w; i += w)   // SIMD lanes, then the scalar tail
            {
                var m = new Vector<T>(s1, o1 + i); var v = new Vector<T>(s2, o2 + i);
                rule.Apply(new Vector<T>(p, po + i), new Vector<T>(g, go + i), ref m, ref v).CopyTo(p, po + i);
                v.CopyTo(s2, o2 + i); m.CopyTo(s1, o1 + i);   // s2 first: a rule with one state passes s1 as s2 too
            }
            for (; i < c1; i++)
            {
                T m = s1[o1 + i], v = s2[o2 + i];
                p[po + i] = rule.Apply(p[po + i], g[go + i], ref m, ref v);
                s2[o2 + i] = v; s1[o1 + i] = m;   // s2 first: a rule with one state passes s1 as s2 too
            }
        });
    }
}
