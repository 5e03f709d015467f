using System.Numerics;
using ILGPU;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Elementwise kernels, each in two forms. The <c>…Linear</c> form is the fast path: every operand is
/// contiguous (after <see cref="Collapse"/>), so element i sits at offset + i — no integer div/rem,
/// coalesced loads. The strided form walks any views (broadcast dims have stride 0) through
/// <see cref="Strided.At"/>. All are grid-stride loops: thread t handles t, t + step, …, so one launch
/// of a bounded number of threads covers any size and each thread amortises its index setup.
/// </summary>
internal static partial class Kernels
{
    public static void FillLinear<T>(Index1D t, ArrayView<T> d, int o, int n, int step, T v) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[o + i] = v;
    }

    public static void Fill<T>(Index1D t, ArrayView<T> d, Strided dl, int n, int step, T v) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = v;
    }

    // Random numbers: float32 samples use only integer Philox rounds and float math (no f64 on the GPU).
    public static void RandomF32(Index1D t, ArrayView<float> d, Strided dl, int n, int step, int kind, ulong seed, ulong offset, float p0, float p1)
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = Philox.SampleF32((RandomKind)kind, offset + (ulong)i, seed, p0, p1);
    }

    public static void RandomF64(Index1D t, ArrayView<double> d, Strided dl, int n, int step, int kind, ulong seed, ulong offset,
        double p0, double p1)
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = Philox.Sample((RandomKind)kind, offset + (ulong)i, seed, p0, p1);
    }

    public static void CopyLinear<T>(Index1D t, ArrayView<T> s, int so, ArrayView<T> d, int o, int n, int step) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[o + i] = s[so + i];
    }

    public static void Copy<T>(Index1D t, ArrayView<T> s, Strided sl, ArrayView<T> d, Strided dl, int n, int step) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = s[sl.At(i)];
    }

    public static void MapLinear<T, TOp>(Index1D t, ArrayView<T> s, int so, ArrayView<T> d, int o, int n, int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        for (int i = t; i < n; i += step) d[o + i] = op.Apply(s[so + i], a, b);
    }

    public static void Map<T, TOp>(Index1D t, ArrayView<T> s, Strided sl, ArrayView<T> d, Strided dl, int n, int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = op.Apply(s[sl.At(i)], a, b);
    }

    public static void ZipLinear<T, TOp>(Index1D t, ArrayView<T> x, int xo, ArrayView<T> y, int yo, ArrayView<T> d, int o, int n,
        int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        for (int i = t; i < n; i += step) d[o + i] = op.Apply(x[xo + i], y[yo + i], a, b);
    }

    public static void Zip<T, TOp>(Index1D t, ArrayView<T> x, Strided xl, ArrayView<T> y, Strided yl, ArrayView<T> d, Strided dl, int n,
        int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = op.Apply(x[xl.At(i)], y[yl.At(i)], a, b);
    }

    public static void WhereLinear<T>(Index1D t, ArrayView<T> c, int co, ArrayView<T> x, int xo, ArrayView<T> y, int yo, ArrayView<T> d, int o,
        int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < n; i += step) d[o + i] = c[co + i] != T.Zero ? x[xo + i] : y[yo + i];
    }

    public static void Where<T>(Index1D t, ArrayView<T> c, Strided cl, ArrayView<T> x, Strided xl, ArrayView<T> y, Strided yl, ArrayView<T> d,
        Strided dl, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = c[cl.At(i)] != T.Zero ? x[xl.At(i)] : y[yl.At(i)];
    }

    /// <summary>One optimizer step for one parameter tensor (all arrays contiguous): the whole update in one pass.</summary>
    public static void Update<T, TRule>(Index1D t, ArrayView<T> p, int po, ArrayView<T> g, int go, ArrayView<T> s1, int s1o, ArrayView<T> s2, int s2o,
        int n, int step, TRule rule)
        where T : unmanaged, IFloatingPointIeee754<T> where TRule : struct, IUpdateRule<T>
    {
        for (int i = t; i < n; i += step)
        {
            T m = s1[s1o + i], v = s2[s2o + i];
            p[po + i] = rule.Apply(p[po + i], g[go + i], ref m, ref v);
            s2[s2o + i] = v; s1[s1o + i] = m;   // s2 first: a rule with one state passes s1 as s2 too
        }
    }
}
