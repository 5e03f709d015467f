using System.Numerics;

namespace Scratch.Tensors.Cpu;

/// <summary>Max pooling on the CPU, split over (image, channel) planes; indices are window-local (0..k·k−1).</summary>
internal static class CpuPool
{
    static void Planes(NDArray x, ConvGeometry g, Action<int> body) =>
        RowPlan.ForEachRow(x.Shape[0] * x.Shape[1], g.H * g.W, body);

    public static unsafe void MaxPool<T>(NDArray xa, NDArray va, NDArray ia, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var v = CpuBackend.Data<T>(va); var idx = CpuBackend.Data<T>(ia);
        int xo = CpuBackend.Start(xa), vo = CpuBackend.Start(va), io = CpuBackend.Start(ia);
        Planes(xa, g, plane =>
        {
            int H = g.H, W = g.W, OH = g.OH, OW = g.OW, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW;
            fixed (T* px = x, pv = v, pi = idx)
            {
                T* src = px + xo + plane * H * W;
                T* dv = pv + vo + plane * OH * OW;
                T* di = pi + io + plane * OH * OW;
                if (KH == 2 && KW == 2 && SH == 2 && SW == 2) { Window2x2(src, W, dv, di, OH, OW); return; }
                for (int oh = 0; oh < OH; oh++)
                    for (int ow = 0; ow < OW; ow++)
                    {
                        T* top = src + oh * SH * W + ow * SW;
                        T m = top[0];
                        int best = 0;
                        for (int i = 0; i < KH; i++)
                            for (int j = 0; j < KW; j++)
                            {
                                T e = top[i * W + j];
                                if (Op.PoolTakes(e, m)) { m = e; best = i * KW + j; }
                            }
                        dv[oh * OW + ow] = m;
                        di[oh * OW + ow] = T.CreateTruncating(best);
                    }
            }
        });
    }

    // The common 2×2, stride-2 window without data-dependent branches: on random data a branch per
    // comparison is mispredicted half the time, which made this loop 3× slower. The same winner as the
    // general loop: each pair's, then the two pairs' — ties keep the first in scan order, NaN the last.
    // The maximum is the winner itself, not T.Max, which would turn a tie of −0 and +0 into +0.
    static unsafe void Window2x2<T>(T* src, int W, T* dv, T* di, int OH, int OW) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int oh = 0; oh < OH; oh++)
        {
            T* r0 = src + 2 * oh * W;
            T* r1 = r0 + W;
            for (int ow = 0; ow < OW; ow++)
            {
                T a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
                int top = Op.PoolTakes(b, a) ? 1 : 0, bottom = Op.PoolTakes(d, c) ? 3 : 2;
                T mTop = top == 1 ? b : a, mBottom = bottom == 3 ? d : c;
                int lower = Op.PoolTakes(mBottom, mTop) ? 1 : 0;
                dv[oh * OW + ow] = lower == 1 ? mBottom : mTop;
                di[oh * OW + ow] = T.CreateTruncating(lower * bottom + (1 - lower) * top);
            }
        }
    }

    public static void Gather<T>(NDArray xa, NDArray ia, NDArray da, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var idx = CpuBackend.Data<T>(ia); var d = CpuBackend.Data<T>(da);
        int xo = CpuBackend.Start(xa), io = CpuBackend.Start(ia), dOff = CpuBackend.Start(da);
        Planes(xa, g, plane =>
        {
            int H = g.H, W = g.W, OH = g.OH, OW = g.OW, KW = g.KW, SH = g.SH, SW = g.SW;
            int src = xo + plane * H * W, o = plane * OH * OW;
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    int k = int.CreateTruncating(idx[io + o + oh * OW + ow]);
                    var (i, j) = Window(k, KW);
                    d[dOff + o + oh * OW + ow] = x[src + (oh * SH + i) * W + ow * SW + j];
                }
        });
    }

    public static void Scatter<T>(NDArray sa, NDArray ia, NDArray dxa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = CpuBackend.Data<T>(sa); var idx = CpuBackend.Data<T>(ia); var dx = CpuBackend.Data<T>(dxa);
        int so = CpuBackend.Start(sa), io = CpuBackend.Start(ia), dxo = CpuBackend.Start(dxa);
        Planes(dxa, g, plane =>
        {
            int H = g.H, W = g.W, OH = g.OH, OW = g.OW, KW = g.KW, SH = g.SH, SW = g.SW;
            int dst = dxo + plane * H * W, o = plane * OH * OW;
            dx.AsSpan(dst, H * W).Clear();
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++)
                {
                    int k = int.CreateTruncating(idx[io + o + oh * OW + ow]);
                    var (i, j) = Window(k, KW);
                    dx[dst + (oh * SH + i) * W + ow * SW + j] += s[so + o + oh * OW + ow];
                }
        });
    }

    // Window-local index k → (row, column). A division by a variable costs ~15 cycles, twice per
    // output, which was most of the gather and scatter: the common 2-wide window uses shifts.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static (int I, int J) Window(int k, int kw) => kw == 2 ? (k >> 1, k & 1) : (k / kw, k % kw);
}
