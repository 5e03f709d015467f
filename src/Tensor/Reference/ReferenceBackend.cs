using System.Numerics;

namespace Scratch.Tensors.Reference;

/// <summary>A plain managed array: no pool, no pinning. The garbage collector takes it back.</summary>
internal sealed class ReferenceStorage<T>(Device device, DType dtype, int length, Action<long> onRelease)
    : Storage(device, dtype, length) where T : unmanaged
{
    T[]? _data = new T[length];
    public T[] Data { get { ThrowIfReleased(); return _data!; } }
    protected override void ReturnBuffer() { _data = null; onRelease(-(long)Length * DType.Size()); }
}

/// <summary>
/// The reference backend (device <c>cpu-ref</c>): every primitive of <see cref="IBackend"/> as the
/// plainest loop that computes it. One thread, no SIMD, no unsafe code, no fast paths: each loop
/// walks the multi-indices of a shape in row-major order and finds each element through its
/// view's strides (<see cref="At"/>), so transposed, sliced and broadcast (stride 0) views need no
/// special case.
///
/// It is the definition the fast backends must equal: it calls the same scalar functors
/// (<see cref="IUnaryOp"/>, <see cref="IBinaryOp"/>, <see cref="IReduceOp"/>, <see cref="IUpdateRule{T}"/>)
/// and the same Philox recipe. Where a fast backend differs (a SIMD exp, a GEMM that sums in
/// another order) the property tests in tests/Tensor/ReferenceTests.cs bound the difference.
/// It is slow — a tool for reading and for checking, not for training.
/// </summary>
public sealed class ReferenceBackend(Device device) : IBackend
{
    long _bytes;
    public Device Device { get; } = device;
    public long BytesAllocated => Interlocked.Read(ref _bytes);
    public void Synchronize() { }   // everything ran before the call returned
    public void Dispose() { }

    // ---------------- memory ----------------

    public Storage Allocate(DType dtype, int length)
    {
        Interlocked.Add(ref _bytes, (long)length * dtype.Size());
        void Released(long bytes) => Interlocked.Add(ref _bytes, bytes);
        return dtype == DType.Float32
            ? new ReferenceStorage<float>(Device, dtype, length, Released)
            : new ReferenceStorage<double>(Device, dtype, length, Released);
    }

    static T[] Data<T>(NDArray a) where T : unmanaged => ((ReferenceStorage<T>)a.Storage).Data;

    public void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged =>
        source.CopyTo(((ReferenceStorage<T>)dst).Data);

    public void Download<T>(NDArray src, Span<T> destination) where T : unmanaged =>
        Data<T>(src).AsSpan(src.Offset, src.Numel).CopyTo(destination);

    // ---------------- walking a strided view ----------------

    /// <summary>
    /// Every multi-index of a shape in row-major order (the last index moves fastest), like nested
    /// for-loops of any depth. One array is reused for each step: read it, do not keep it.
    /// A rank-0 shape has exactly one (empty) index; a shape with a 0 has none.
    /// </summary>
    static IEnumerable<int[]> Indices(int[] shape)
    {
        if (Shape.Numel(shape) == 0) yield break;
        var index = new int[shape.Length];
        while (true)
        {
            yield return index;
            int k = shape.Length - 1;                              // add one, carrying leftwards
            while (k >= 0 && ++index[k] == shape[k]) { index[k] = 0; k--; }
            if (k < 0) yield break;
        }
    }

    /// <summary>Where element (i0, i1, …) of a view lives in its storage: Offset + Σ i_k·Strides[k].</summary>
    static int At(NDArray a, params ReadOnlySpan<int> index)
    {
        int offset = a.Offset;
        for (int k = 0; k < index.Length; k++) offset += index[k] * a.Strides[k];
        return offset;
    }

    static bool F32(NDArray a) => a.DType == DType.Float32;

    // ---------------- elementwise ----------------

    public void Fill(NDArray dst, double value)
    {
        foreach (var i in Indices(dst.Shape))
            if (F32(dst)) Data<float>(dst)[At(dst, i)] = (float)value;
            else Data<double>(dst)[At(dst, i)] = value;
    }

    /// <summary>Element number n (row-major in dst's shape) is sample number offset + n of the stream.</summary>
    public void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1)
    {
        ulong counter = offset;
        foreach (var i in Indices(dst.Shape))
        {
            // float32 has its own recipe (float math only) so a GPU draws the same numbers without f64.
            if (F32(dst)) Data<float>(dst)[At(dst, i)] = Philox.SampleF32(kind, counter, seed, (float)p0, (float)p1);
            else Data<double>(dst)[At(dst, i)] = Philox.Sample(kind, counter, seed, p0, p1);
            counter++;
        }
    }

    public void Copy(NDArray src, NDArray dst)
    {
        if (F32(dst)) CopyT<float>(src, dst); else CopyT<double>(src, dst);
    }

    static void CopyT<T>(NDArray src, NDArray dst) where T : unmanaged
    {
        T[] s = Data<T>(src), d = Data<T>(dst);
        foreach (var i in Indices(dst.Shape)) d[At(dst, i)] = s[At(src, i)];
    }

    // The functors arrive as struct type arguments; default(TOp) is the op (it has no fields), and
    // a and b are converted to T once, here, as the other backends do on the host.
    public void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp
    {
        if (F32(dst)) MapT<float, TOp>(src, dst, (float)a, (float)b); else MapT<double, TOp>(src, dst, a, b);
    }

    static void MapT<T, TOp>(NDArray src, NDArray dst, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        T[] x = Data<T>(src), y = Data<T>(dst);
        var op = default(TOp);
        foreach (var i in Indices(dst.Shape)) y[At(dst, i)] = op.Apply(x[At(src, i)], a, b);
    }

    public void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp
    {
        if (F32(dst)) ZipT<float, TOp>(x, y, dst, (float)a, (float)b); else ZipT<double, TOp>(x, y, dst, a, b);
    }

    static void ZipT<T, TOp>(NDArray xa, NDArray ya, NDArray dst, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IBinaryOp
    {
        T[] x = Data<T>(xa), y = Data<T>(ya), d = Data<T>(dst);
        var op = default(TOp);
        foreach (var i in Indices(dst.Shape)) d[At(dst, i)] = op.Apply(x[At(xa, i)], y[At(ya, i)], a, b);
    }

    public void Where(NDArray cond, NDArray x, NDArray y, NDArray dst)
    {
        if (F32(dst)) WhereT<float>(cond, x, y, dst); else WhereT<double>(cond, x, y, dst);
    }

    static void WhereT<T>(NDArray ca, NDArray xa, NDArray ya, NDArray dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] c = Data<T>(ca), x = Data<T>(xa), y = Data<T>(ya), d = Data<T>(dst);
        foreach (var i in Indices(dst.Shape))
            d[At(dst, i)] = c[At(ca, i)] != T.Zero ? x[At(xa, i)] : y[At(ya, i)];
    }

    // ---------------- reductions ----------------

    /// <summary>
    /// Every axis where dst has size 1 is reduced. Start each output at the op's identity, then visit
    /// the source in row-major order and combine each element into the output it belongs to: its
    /// own index with the reduced axes set to 0.
    /// </summary>
    public void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp
    {
        if (F32(dst)) ReduceT<float, TOp>(src, dst); else ReduceT<double, TOp>(src, dst);
    }

    static void ReduceT<T, TOp>(NDArray src, NDArray dst) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        T[] s = Data<T>(src), d = Data<T>(dst);
        var op = default(TOp);
        foreach (var o in Indices(dst.Shape)) d[At(dst, o)] = op.Identity<T>();
        var target = new int[src.Rank];
        foreach (var i in Indices(src.Shape))
        {
            for (int k = 0; k < src.Rank; k++) target[k] = dst.Shape[k] == 1 ? 0 : i[k];
            int at = At(dst, target);
            d[at] = op.Combine(d[at], s[At(src, i)]);
        }
    }

    /// <summary>
    /// The first index of the maximum along one axis (a later equal value does not win); a NaN is the maximum (<see cref="Op.ArgMaxTakes"/>).
    /// </summary>
    public void ArgMax(NDArray src, NDArray dst, int axis)
    {
        if (F32(dst)) ArgMaxT<float>(src, dst, axis); else ArgMaxT<double>(src, dst, axis);
    }

    // TASK 3.1: per output index o (o[axis] = 0): scan along axis from At(src, o) by Strides[axis], keep the first best (Op.ArgMaxTakes)
    static void ArgMaxT<T>(NDArray src, NDArray dst, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] s = Data<T>(src), d = Data<T>(dst);
        foreach (var o in Indices(dst.Shape))   // o[axis] is 0: the first element along the axis
        {
            int first = At(src, o), step = src.Strides[axis], best = 0;
            for (int k = 1; k < src.Shape[axis]; k++)
                if (Op.ArgMaxTakes(s[first + k * step], s[first + best * step])) best = k;
            d[At(dst, o)] = T.CreateTruncating(best);
        }
    }

    // ---------------- matrix product ----------------

    /// <summary>
    /// c[b,i,j] = Σ_p a[b,i,p]·b[b,p,j], a dot product per output element. When c has batch size 1
    /// but a and b have B, the products of the whole batch are summed into it (a shared weight's
    /// gradient). A batch stride of 0 (a broadcast operand) needs nothing special: At follows it.
    /// </summary>
    public void MatMul(NDArray a, NDArray b, NDArray c)
    {
        if (F32(c)) MatMulT<float>(a, b, c); else MatMulT<double>(a, b, c);
    }

    static void MatMulT<T>(NDArray a, NDArray b, NDArray c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] A = Data<T>(a), B = Data<T>(b), C = Data<T>(c);
        int batch = a.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        bool sumBatch = c.Shape[0] == 1 && batch > 1;
        for (int cb = 0; cb < c.Shape[0]; cb++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T acc = T.Zero;
                    for (int bi = sumBatch ? 0 : cb; bi < (sumBatch ? batch : cb + 1); bi++)
                        for (int p = 0; p < k; p++)
                            acc += A[At(a, bi, i, p)] * B[At(b, bi, p, j)];
                    C[At(c, cb, i, j)] = acc;
                }
    }

    // ---------------- images ----------------

    /// <summary>
    /// cols[n, (c·KH + i)·KW + j, oh·OW + ow] = x[n, c, oh·SH − PH + i, ow·SW − PW + j], and 0 where
    /// that pixel lies in the padding: each column is one receptive field, flattened.
    /// </summary>
    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g)
    {
        if (F32(x)) Im2ColT<float>(x, cols, g); else Im2ColT<double>(x, cols, g);
    }

    static void Im2ColT<T>(NDArray xa, NDArray ca, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Data<T>(xa), cols = Data<T>(ca);
        for (int n = 0; n < xa.Shape[0]; n++)
            for (int c = 0; c < g.C; c++)
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                        for (int oh = 0; oh < g.OH; oh++)
                            for (int ow = 0; ow < g.OW; ow++)
                            {
                                int ih = oh * g.SH - g.PH + i, iw = ow * g.SW - g.PW + j;
                                bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
                                cols[At(ca, n, (c * g.KH + i) * g.KW + j, oh * g.OW + ow)] = inside ? x[At(xa, n, c, ih, iw)] : T.Zero;
                            }
    }

    /// <summary>The adjoint of Im2Col: x starts at 0 and every column entry is added back to the pixel it was read from.</summary>
    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g)
    {
        if (F32(x)) Col2ImT<float>(cols, x, g); else Col2ImT<double>(cols, x, g);
    }

    static void Col2ImT<T>(NDArray ca, NDArray xa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Data<T>(xa), cols = Data<T>(ca);
        foreach (var i in Indices(xa.Shape)) x[At(xa, i)] = T.Zero;
        for (int n = 0; n < xa.Shape[0]; n++)
            for (int c = 0; c < g.C; c++)
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                        for (int oh = 0; oh < g.OH; oh++)
                            for (int ow = 0; ow < g.OW; ow++)
                            {
                                int ih = oh * g.SH - g.PH + i, iw = ow * g.SW - g.PW + j;
                                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                                    x[At(xa, n, c, ih, iw)] += cols[At(ca, n, (c * g.KH + i) * g.KW + j, oh * g.OW + ow)];
                            }
    }

    // Pools have no padding (NDArray builds their geometry with 0): window (oh, ow) covers rows
    // oh·SH … oh·SH + KH − 1 and columns ow·SW … ow·SW + KW − 1, and its element number
    // idx = i·KW + j sits at (oh·SH + i, ow·SW + j).

    /// <summary>
    /// Each window's maximum and its window-local index; on a tie the first in scan order wins, but the last NaN beats all
    /// (<see cref="Op.PoolTakes"/>).
    /// </summary>
    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g)
    {
        if (F32(x)) MaxPoolT<float>(x, values, indices, g); else MaxPoolT<double>(x, values, indices, g);
    }

    static void MaxPoolT<T>(NDArray xa, NDArray va, NDArray ia, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Data<T>(xa), v = Data<T>(va), idx = Data<T>(ia);
        foreach (var o in Indices(va.Shape))   // o = (n, c, oh, ow)
        {
            int n = o[0], c = o[1], top = o[2] * g.SH, left = o[3] * g.SW, best = 0;
            T max = x[At(xa, n, c, top, left)];
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    T e = x[At(xa, n, c, top + i, left + j)];
                    if (Op.PoolTakes(e, max)) { max = e; best = i * g.KW + j; }
                }
            v[At(va, o)] = max;
            idx[At(ia, o)] = T.CreateTruncating(best);
        }
    }

    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g)
    {
        if (F32(x)) PoolGatherT<float>(x, indices, dst, g); else PoolGatherT<double>(x, indices, dst, g);
    }

    static void PoolGatherT<T>(NDArray xa, NDArray ia, NDArray da, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Data<T>(xa), idx = Data<T>(ia), d = Data<T>(da);
        foreach (var o in Indices(da.Shape))
        {
            int k = int.CreateTruncating(idx[At(ia, o)]);
            d[At(da, o)] = x[At(xa, o[0], o[1], o[2] * g.SH + k / g.KW, o[3] * g.SW + k % g.KW)];
        }
    }

    /// <summary>The adjoint of PoolGather: dx starts at 0; each window adds its value at its chosen element.</summary>
    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g)
    {
        if (F32(dx)) PoolScatterT<float>(src, indices, dx, g); else PoolScatterT<double>(src, indices, dx, g);
    }

    static void PoolScatterT<T>(NDArray sa, NDArray ia, NDArray dxa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] s = Data<T>(sa), idx = Data<T>(ia), dx = Data<T>(dxa);
        foreach (var i in Indices(dxa.Shape)) dx[At(dxa, i)] = T.Zero;
        foreach (var o in Indices(sa.Shape))
        {
            int k = int.CreateTruncating(idx[At(ia, o)]);
            dx[At(dxa, o[0], o[1], o[2] * g.SH + k / g.KW, o[3] * g.SW + k % g.KW)] += s[At(sa, o)];
        }
    }

    // ---------------- optimizer step ----------------

    /// <summary>
    /// p ← rule(p, g, s1, s2) element by element with the rule's scalar form (the CPU backend also
    /// has a SIMD form of each rule; this is the one it must equal). s2 is written before s1, so a
    /// rule with one state can pass the same array as both.
    /// </summary>
    public void Update<T, TRule>(NDArray pa, NDArray ga, NDArray s1a, NDArray s2a, TRule rule) where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IUpdateRule<T>
    {
        T[] p = Data<T>(pa), g = Data<T>(ga), s1 = Data<T>(s1a), s2 = Data<T>(s2a);
        foreach (var i in Indices(pa.Shape))
        {
            T m = s1[At(s1a, i)], v = s2[At(s2a, i)];
            p[At(pa, i)] = rule.Apply(p[At(pa, i)], g[At(ga, i)], ref m, ref v);
            s2[At(s2a, i)] = v;
            s1[At(s1a, i)] = m;
        }
    }
}
