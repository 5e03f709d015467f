using System.Numerics;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// im2col and its adjoint col2im on the CPU. Row (c·KH + i)·KW + j of the columns holds, for every
/// output position (oh, ow), the input pixel x[c, oh·s − p + i, ow·s − p + j] (0 outside the image).
/// Work is split over (image, channel) pairs, so col2im's sums never race and are deterministic.
/// The rows are short (8 to 24 pixels in the MNIST models), so the loops use raw pointers: span
/// and bounds-check overhead per row cost more than the copying itself.
/// </summary>
internal static unsafe class CpuConv
{
    public static void Im2Col<T>(NDArray xa, NDArray ca, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = xa.Offset, co = ca.Offset;
        RowPlan.ForEachRow(n * g.C, g.H * g.W * g.KH * g.KW, unit =>
        {
            int C = g.C, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW, H = g.H, W = g.W, KH = g.KH, KW = g.KW, L = OH * OW;
            int img = unit / C, c = unit % C;
            fixed (T* px = x, pc = cols)
            {
                T* src = px + xo + (img * C + c) * H * W;
                for (int i = 0; i < KH; i++)
                    for (int j = 0; j < KW; j++)
                    {
                        T* row = pc + co + (img * g.Rows + (c * KH + i) * KW + j) * L;
                        var (lo, hi) = ValidColumns(g, j);
                        for (int oh = 0; oh < OH; oh++)
                        {
                            int ih = oh * SH - PH + i;
                            T* dst = row + oh * OW;
                            if (ih < 0 || ih >= H || lo >= hi) { for (int ow = 0; ow < OW; ow++) dst[ow] = T.Zero; continue; }
                            T* line = src + ih * W - PW + j;   // + ow·SW is the input column
                            for (int ow = 0; ow < lo; ow++) dst[ow] = T.Zero;
                            if (SW == 1) for (int ow = lo; ow < hi; ow++) dst[ow] = line[ow];
                            else for (int ow = lo; ow < hi; ow++) dst[ow] = line[ow * SW];
                            for (int ow = hi; ow < OW; ow++) dst[ow] = T.Zero;
                        }
                    }
            }
        });
    }

    public static void Col2Im<T>(NDArray ca, NDArray xa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = xa.Offset, co = ca.Offset;
        RowPlan.ForEachRow(n * g.C, g.H * g.W * g.KH * g.KW, unit =>
        {
            int C = g.C, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW, H = g.H, W = g.W, KH = g.KH, KW = g.KW, L = OH * OW;
            int img = unit / C, c = unit % C;
            fixed (T* px = x, pc = cols)
            {
                T* dstImg = px + xo + (img * C + c) * H * W;
                for (int e = 0; e < H * W; e++) dstImg[e] = T.Zero;
                for (int i = 0; i < KH; i++)
                    for (int j = 0; j < KW; j++)
                    {
                        T* row = pc + co + (img * g.Rows + (c * KH + i) * KW + j) * L;
                        var (lo, hi) = ValidColumns(g, j);
                        if (lo >= hi) continue;
                        for (int oh = 0; oh < OH; oh++)
                        {
                            int ih = oh * SH - PH + i;
                            if (ih < 0 || ih >= H) continue;
                            T* line = dstImg + ih * W - PW + j;
                            T* src = row + oh * OW;
                            if (SW == 1) for (int ow = lo; ow < hi; ow++) line[ow] += src[ow];
                            else for (int ow = lo; ow < hi; ow++) line[ow * SW] += src[ow];
                        }
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
