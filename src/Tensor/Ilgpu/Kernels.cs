using System.Numerics;
using ILGPU;

namespace Scratch.Tensors.Ilgpu;

/// <summary>Where each element of an array (rank ≤ 6) lives: offset + Σ coord·stride, leading dims padded with size 1.</summary>
public struct Strided
{
    public int Offset, D0, D1, D2, D3, D4, D5, S0, S1, S2, S3, S4, S5;

    /// <summary>Storage index of the element with row-major linear index i.</summary>
    public readonly int At(int i)
    {
        int o = Offset;
        o += (i % D5) * S5; i /= D5;
        o += (i % D4) * S4; i /= D4;
        o += (i % D3) * S3; i /= D3;
        o += (i % D2) * S2; i /= D2;
        o += (i % D1) * S1; i /= D1;
        return o + i * S0;
    }

    public static Strided Of(NDArray a) => Of(a.Shape, a.Strides, a.Offset);

    public static Strided Of(int[] shape, int[] strides, int offset)
    {
        if (shape.Length > 6) throw new NotSupportedException($"ilgpu: arrays of rank {shape.Length} are not supported (at most 6 dims), shape {Shape.Str(shape)}");
        var d = new int[6]; var s = new int[6];
        for (int i = 0; i < 6; i++) { d[i] = 1; }
        int lead = 6 - shape.Length;
        for (int i = 0; i < shape.Length; i++) { d[lead + i] = shape[i]; s[lead + i] = strides[i]; }
        return new Strided { Offset = offset, D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5], S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5] };
    }
}

/// <summary>Batched matmul operand layout: c[b,i,j] = Σ_p a[b,i,p]·b[b,p,j].</summary>
public struct MatMulArgs { public int Ao, As0, As1, As2, Bo, Bs0, Bs1, Bs2, Co, M, N, K, Total, Inner; }

/// <summary>One convolution's sizes for im2col / col2im (plain fields: kernels take no properties).</summary>
public struct ConvArgs
{
    public int N, C, H, W, KH, KW, SH, SW, PH, PW, OH, OW, Xo, Co;
    public static ConvArgs Of(ConvGeometry g, int n, int xo, int co) =>
        new() { N = n, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW, OH = g.OH, OW = g.OW, Xo = xo, Co = co };
}

/// <summary>
/// The ILGPU kernels: one per primitive, generic over the element type and the op functor, each a
/// grid-stride loop (thread i handles elements i, i+step, …) so a launch of a few thousand threads
/// covers any size — on ILGPU's CPU accelerator one thread per element costs far too much.
/// </summary>
internal static class Kernels
{
    public static void Fill<T>(Index1D t, ArrayView<T> d, Strided dl, int n, int step, T v) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = v;
    }

    public static void RandomF32(Index1D t, ArrayView<float> d, Strided dl, int n, int step, int kind, ulong seed, ulong offset, double p0, double p1)
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = (float)Philox.Sample((RandomKind)kind, offset + (ulong)i, seed, p0, p1);
    }

    public static void RandomF64(Index1D t, ArrayView<double> d, Strided dl, int n, int step, int kind, ulong seed, ulong offset, double p0, double p1)
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = Philox.Sample((RandomKind)kind, offset + (ulong)i, seed, p0, p1);
    }

    public static void Copy<T>(Index1D t, ArrayView<T> s, Strided sl, ArrayView<T> d, Strided dl, int n, int step) where T : unmanaged
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = s[sl.At(i)];
    }

    public static void Map<T, TOp>(Index1D t, ArrayView<T> s, Strided sl, ArrayView<T> d, Strided dl, int n, int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = op.Apply(s[sl.At(i)], a, b);
    }

    public static void Zip<T, TOp>(Index1D t, ArrayView<T> x, Strided xl, ArrayView<T> y, Strided yl, ArrayView<T> d, Strided dl, int n, int step, T a, T b, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = op.Apply(x[xl.At(i)], y[yl.At(i)], a, b);
    }

    public static void Where<T>(Index1D t, ArrayView<T> c, Strided cl, ArrayView<T> x, Strided xl, ArrayView<T> y, Strided yl, ArrayView<T> d, Strided dl, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < n; i += step) d[dl.At(i)] = c[cl.At(i)] != T.Zero ? x[xl.At(i)] : y[yl.At(i)];
    }

    // sl walks the output positions inside src (the reduced axis pinned at 0); len/stride walk the axis.
    public static void Reduce<T, TOp>(Index1D t, ArrayView<T> s, Strided sl, int len, int stride, ArrayView<T> d, Strided dl, int n, int step, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        for (int i = t; i < n; i += step)
        {
            int at = sl.At(i);
            T acc = op.Identity<T>();
            for (int k = 0; k < len; k++) acc = op.Combine(acc, s[at + k * stride]);
            d[dl.At(i)] = acc;
        }
    }

    public static void ArgMax<T>(Index1D t, ArrayView<T> s, Strided sl, int len, int stride, ArrayView<T> d, Strided dl, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < n; i += step)
        {
            int at = sl.At(i);
            T best = s[at], bestIndex = T.Zero, index = T.Zero;
            for (int k = 1; k < len; k++)
            {
                index += T.One;   // the index counted in T: ILGPU cannot convert int to a generic T
                T v = s[at + k * stride];
                if (v > best) { best = v; bestIndex = index; }
            }
            d[dl.At(i)] = bestIndex;
        }
    }

    public static void MatMul<T>(Index1D t, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, MatMulArgs g, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < g.Total; i += step)
        {
            int col = i % g.N, row = (i / g.N) % g.M, cb = i / (g.N * g.M);
            T acc = T.Zero;
            for (int bi = cb * g.Inner; bi < (cb + 1) * g.Inner; bi++)   // Inner > 1: summed over the batch
            {
                int ao = g.Ao + bi * g.As0 + row * g.As1, bo = g.Bo + bi * g.Bs0 + col * g.Bs2;
                for (int p = 0; p < g.K; p++) acc += a[ao + p * g.As2] * b[bo + p * g.Bs1];
            }
            c[g.Co + i] = acc;
        }
    }

    // One thread per column element: cols[n, (c·KH+i)·KW+j, oh·OW+ow].
    public static void Im2Col<T>(Index1D t, ArrayView<T> x, ArrayView<T> cols, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = t; e < total; e += step)
        {
            int ow = e % g.OW, oh = (e / g.OW) % g.OH, row = (e / (g.OW * g.OH)) % (g.C * g.KH * g.KW), n = e / (g.OW * g.OH * g.C * g.KH * g.KW);
            int j = row % g.KW, i = (row / g.KW) % g.KH, c = row / (g.KW * g.KH);
            int ih = oh * g.SH - g.PH + i, iw = ow * g.SW - g.PW + j;
            cols[g.Co + e] = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W ? x[g.Xo + ((n * g.C + c) * g.H + ih) * g.W + iw] : T.Zero;
        }
    }

    // Gather form of the adjoint: each image pixel sums the column entries that read it (no atomics).
    public static void Col2Im<T>(Index1D t, ArrayView<T> cols, ArrayView<T> x, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = g.OH * g.OW, rows = g.C * g.KH * g.KW;
        for (int e = t; e < total; e += step)
        {
            int iw = e % g.W, ih = (e / g.W) % g.H, c = (e / (g.W * g.H)) % g.C, n = e / (g.W * g.H * g.C);
            T acc = T.Zero;
            for (int i = 0; i < g.KH; i++)
            {
                int y = ih + g.PH - i;
                if (y < 0 || y % g.SH != 0 || y / g.SH >= g.OH) continue;
                for (int j = 0; j < g.KW; j++)
                {
                    int xw = iw + g.PW - j;
                    if (xw < 0 || xw % g.SW != 0 || xw / g.SW >= g.OW) continue;
                    acc += cols[g.Co + (n * rows + (c * g.KH + i) * g.KW + j) * L + (y / g.SH) * g.OW + xw / g.SW];
                }
            }
            x[g.Xo + e] = acc;
        }
    }

    // Pools: one thread per output element (forward, gather) or per input pixel (scatter, gather form).
    public static void MaxPool<T>(Index1D t, ArrayView<T> x, ArrayView<T> v, ArrayView<T> idx, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = t; e < total; e += step)
        {
            int ow = e % g.OW, oh = (e / g.OW) % g.OH, plane = e / (g.OW * g.OH);
            int top = g.Xo + plane * g.H * g.W + oh * g.SH * g.W + ow * g.SW;
            T m = x[top], best = T.Zero, k = T.Zero;
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    T val = x[top + i * g.W + j];
                    if (val > m) { m = val; best = k; }
                    k += T.One;
                }
            v[g.Co + e] = m;
            idx[e] = best;
        }
    }

    public static void PoolGather<T>(Index1D t, ArrayView<T> x, ArrayView<T> idx, ArrayView<T> d, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = t; e < total; e += step)
        {
            int ow = e % g.OW, oh = (e / g.OW) % g.OH, plane = e / (g.OW * g.OH);
            int k = WindowIndex(idx[e], g.KH * g.KW);
            d[g.Co + e] = x[g.Xo + plane * g.H * g.W + (oh * g.SH + k / g.KW) * g.W + ow * g.SW + k % g.KW];
        }
    }

    public static void PoolScatter<T>(Index1D t, ArrayView<T> src, ArrayView<T> idx, ArrayView<T> dx, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = t; e < total; e += step)
        {
            int iw = e % g.W, ih = (e / g.W) % g.H, plane = e / (g.W * g.H);
            T acc = T.Zero;
            for (int i = 0; i < g.KH; i++)
            {
                int y = ih - i;
                if (y < 0 || y % g.SH != 0 || y / g.SH >= g.OH) continue;
                for (int j = 0; j < g.KW; j++)
                {
                    int xw = iw - j;
                    if (xw < 0 || xw % g.SW != 0 || xw / g.SW >= g.OW) continue;
                    int o = plane * g.OH * g.OW + (y / g.SH) * g.OW + xw / g.SW;
                    if (WindowIndex(idx[o], g.KH * g.KW) == i * g.KW + j) acc += src[g.Co + o];
                }
            }
            dx[g.Xo + e] = acc;
        }
    }

    // The window-local index stored as a T, back as an int: count up (ILGPU cannot convert a generic T).
    static int WindowIndex<T>(T v, int max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T k = T.Zero;
        for (int i = 0; i < max; i++) { if (k == v) return i; k += T.One; }
        return 0;
    }
}
