using System.Numerics;

namespace Scratch.Tensors.Cpu;

/// <summary>Max pooling on the CPU, split over (image, channel) planes; indices are window-local (0..k·k−1).</summary>
internal static class CpuPool
{
    static void Planes(NDArray x, ConvGeometry g, Action<int> body) =>
        RowPlan.Parallel(x.Shape[0] * x.Shape[1], g.H * g.W, (plane, c0, c1) => { if (c0 == 0) body(plane); });

    public static void MaxPool<T>(NDArray xa, NDArray va, NDArray ia, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var v = CpuBackend.Data<T>(va); var idx = CpuBackend.Data<T>(ia);
        Planes(xa, g, plane =>
        {
            int src = xa.Offset + plane * g.H * g.W, dst = plane * g.OH * g.OW;
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int top = src + oh * g.SH * g.W + ow * g.SW, best = 0;
                    T m = x[top];
                    for (int i = 0; i < g.KH; i++)
                        for (int j = 0; j < g.KW; j++)
                        {
                            T e = x[top + i * g.W + j];
                            if (e > m) { m = e; best = i * g.KW + j; }
                        }
                    v[va.Offset + dst + oh * g.OW + ow] = m;
                    idx[ia.Offset + dst + oh * g.OW + ow] = T.CreateTruncating(best);
                }
        });
    }

    public static void Gather<T>(NDArray xa, NDArray ia, NDArray da, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var idx = CpuBackend.Data<T>(ia); var d = CpuBackend.Data<T>(da);
        Planes(xa, g, plane =>
        {
            int src = xa.Offset + plane * g.H * g.W, o = plane * g.OH * g.OW;
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int k = int.CreateTruncating(idx[ia.Offset + o + oh * g.OW + ow]);
                    d[da.Offset + o + oh * g.OW + ow] = x[src + (oh * g.SH + k / g.KW) * g.W + ow * g.SW + k % g.KW];
                }
        });
    }

    public static void Scatter<T>(NDArray sa, NDArray ia, NDArray dxa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = CpuBackend.Data<T>(sa); var idx = CpuBackend.Data<T>(ia); var dx = CpuBackend.Data<T>(dxa);
        Planes(dxa, g, plane =>
        {
            int dst = dxa.Offset + plane * g.H * g.W, o = plane * g.OH * g.OW;
            dx.AsSpan(dst, g.H * g.W).Clear();
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int k = int.CreateTruncating(idx[ia.Offset + o + oh * g.OW + ow]);
                    dx[dst + (oh * g.SH + k / g.KW) * g.W + ow * g.SW + k % g.KW] += s[sa.Offset + o + oh * g.OW + ow];
                }
        });
    }
}
