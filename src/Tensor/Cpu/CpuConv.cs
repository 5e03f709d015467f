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
            int src = xo + (img * g.C + c) * g.H * g.W, OH = g.OH, OW = g.OW, SH = g.SH, PH = g.PH, H = g.H, W = g.W, SW = g.SW;
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    int row = co + (img * g.Rows + (c * g.KH + i) * g.KW + j) * L;
                    var (lo, hi) = ValidColumns(g, j);
                    for (int oh = 0; oh < OH; oh++)
                    {
                        int ih = oh * SH - PH + i, dst = row + oh * OW;
                        if (ih < 0 || ih >= H || lo >= hi) { cols.AsSpan(dst, OW).Clear(); continue; }
                        int line = src + ih * W - g.PW + j;   // + ow·SW is the input column
                        cols.AsSpan(dst, lo).Clear();
                        cols.AsSpan(dst + hi, OW - hi).Clear();
                        if (SW == 1) x.AsSpan(line + lo, hi - lo).CopyTo(cols.AsSpan(dst + lo, hi - lo));
                        else for (int ow = lo; ow < hi; ow++) cols[dst + ow] = x[line + ow * SW];
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
            int dstImg = xo + (img * g.C + c) * g.H * g.W, OH = g.OH, OW = g.OW, SH = g.SH, PH = g.PH, H = g.H, W = g.W, SW = g.SW;
            x.AsSpan(dstImg, g.H * g.W).Clear();
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    int row = co + (img * g.Rows + (c * g.KH + i) * g.KW + j) * L;
                    var (lo, hi) = ValidColumns(g, j);
                    if (lo >= hi) continue;
                    for (int oh = 0; oh < OH; oh++)
                    {
                        int ih = oh * SH - PH + i;
                        if (ih < 0 || ih >= H) continue;
                        int line = dstImg + ih * W - g.PW + j, src = row + oh * OW;
                        if (SW == 1)
                        {
                            var d = x.AsSpan(line + lo, hi - lo);
                            TensorPrimitives.Add(d, cols.AsSpan(src + lo, hi - lo), d);
                        }
                        else for (int ow = lo; ow < hi; ow++) x[line + ow * SW] += cols[src + ow];
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
