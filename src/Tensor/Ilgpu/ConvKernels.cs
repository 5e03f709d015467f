using System.Numerics;
using ILGPU;

namespace Scratch.Tensors.Ilgpu;

// Convolution and pooling kernels: one thread per output element (im2col, max-pool, gather) or per
// input pixel (col2im, scatter — the gather form of an adjoint, so no atomics are needed).
internal static partial class Kernels
{
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
    // Each takes (image-space array at Xo, window-space array at Co, window indices at Io), in that order.
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
                    if (Op.PoolTakes(val, m)) { m = val; best = k; }
                    k += T.One;
                }
            v[g.Co + e] = m;
            idx[g.Io + e] = best;
        }
    }

    public static void PoolGather<T>(Index1D t, ArrayView<T> x, ArrayView<T> d, ArrayView<T> idx, ConvArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int e = t; e < total; e += step)
        {
            int ow = e % g.OW, oh = (e / g.OW) % g.OH, plane = e / (g.OW * g.OH);
            int k = WindowIndex(idx[g.Io + e], g.KH * g.KW);
            d[g.Co + e] = x[g.Xo + plane * g.H * g.W + (oh * g.SH + k / g.KW) * g.W + ow * g.SW + k % g.KW];
        }
    }

    public static void PoolScatter<T>(Index1D t, ArrayView<T> dx, ArrayView<T> src, ArrayView<T> idx, ConvArgs g, int total, int step)
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
                    if (WindowIndex(idx[g.Io + o], g.KH * g.KW) == i * g.KW + j) acc += src[g.Co + o];
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
