using System.Numerics;
using System.Numerics.Tensors;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// im2col and its adjoint col2im on the CPU. Row (c·KH + i)·KW + j of the columns holds, for every
/// output position (oh, ow), the input pixel x[c, oh·s − p + i, ow·s − p + j] (0 outside the image).
/// Work is split over (image, channel) pairs, so col2im's sums never race and are deterministic.
/// </summary>
internal static class CpuConv
{
    public static void Im2Col<T>(NDArray xa, NDArray ca, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = xa.Offset, co = ca.Offset, L = g.Cols;
        RowPlan.Parallel(n * g.C, g.H * g.W * g.KH * g.KW, (unit, c0, c1) =>
        {
            if (c0 != 0) return;
            int img = unit / g.C, c = unit % g.C;
            int src = xo + (img * g.C + c) * g.H * g.W;
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    int row = co + (img * g.Rows + (c * g.KH + i) * g.KW + j) * L;
                    var (lo, hi) = ValidColumns(g, j);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i, dst = row + oh * g.OW;
                        if (ih < 0 || ih >= g.H || lo >= hi) { cols.AsSpan(dst, g.OW).Clear(); continue; }
                        int line = src + ih * g.W - g.PW + j;   // + ow·SW is the input column
                        cols.AsSpan(dst, lo).Clear();
                        cols.AsSpan(dst + hi, g.OW - hi).Clear();
                        if (g.SW == 1) x.AsSpan(line + lo, hi - lo).CopyTo(cols.AsSpan(dst + lo, hi - lo));
                        else for (int ow = lo; ow < hi; ow++) cols[dst + ow] = x[line + ow * g.SW];
                    }
                }
        });
    }

    public static void Col2Im<T>(NDArray ca, NDArray xa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = xa.Offset, co = ca.Offset, L = g.Cols;
        RowPlan.Parallel(n * g.C, g.H * g.W * g.KH * g.KW, (unit, c0, c1) =>
        {
            if (c0 != 0) return;
            int img = unit / g.C, c = unit % g.C;
            int dstImg = xo + (img * g.C + c) * g.H * g.W;
            x.AsSpan(dstImg, g.H * g.W).Clear();
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    int row = co + (img * g.Rows + (c * g.KH + i) * g.KW + j) * L;
                    var (lo, hi) = ValidColumns(g, j);
                    if (lo >= hi) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i;
                        if (ih < 0 || ih >= g.H) continue;
                        int line = dstImg + ih * g.W - g.PW + j, src = row + oh * g.OW;
                        if (g.SW == 1)
                        {
                            var d = x.AsSpan(line + lo, hi - lo);
                            TensorPrimitives.Add(d, cols.AsSpan(src + lo, hi - lo), d);
                        }
                        else for (int ow = lo; ow < hi; ow++) x[line + ow * g.SW] += cols[src + ow];
                    }
                }
        });
    }

    /// <summary>The output columns [lo, hi) whose input column ow·SW − PW + j lies inside the image.</summary>
    static (int Lo, int Hi) ValidColumns(ConvGeometry g, int j)
    {
        int lo = Math.Max(0, (g.PW - j + g.SW - 1) / g.SW);
        int hi = Math.Min(g.OW, (g.W - 1 + g.PW - j) / g.SW + 1);
        if (g.W - 1 + g.PW - j < 0) hi = 0;
        return (lo, Math.Max(lo, hi));
    }
}
