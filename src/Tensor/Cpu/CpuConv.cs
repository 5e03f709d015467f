using System.Numerics;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// im2col and its adjoint col2im on the CPU. Row (c·KH + i)·KW + j of the columns holds, for every
/// output position (oh, ow), the input pixel x[c, oh·s − p + i, ow·s − p + j] (0 outside the image).
/// Work is split over (image, channel) pairs, so col2im's sums never race and are deterministic.
/// </summary>
internal static class CpuConv
{
    public static void Im2Col<T>(NDArray xa, NDArray ca, ConvGeometry g) where T : unmanaged, INumber<T>
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
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i, dst = row + oh * g.OW;
                        if (ih < 0 || ih >= g.H) { cols.AsSpan(dst, g.OW).Clear(); continue; }
                        int line = src + ih * g.W;
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            int iw = ow * g.SW - g.PW + j;
                            cols[dst + ow] = iw >= 0 && iw < g.W ? x[line + iw] : T.Zero;
                        }
                    }
                }
        });
    }

    public static void Col2Im<T>(NDArray ca, NDArray xa, ConvGeometry g) where T : unmanaged, INumber<T>
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
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PH + i;
                        if (ih < 0 || ih >= g.H) continue;
                        int line = dstImg + ih * g.W, src = row + oh * g.OW;
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            int iw = ow * g.SW - g.PW + j;
                            if (iw >= 0 && iw < g.W) x[line + iw] += cols[src + ow];
                        }
                    }
                }
        });
    }
}
