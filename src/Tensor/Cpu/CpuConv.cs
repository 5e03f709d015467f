using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// im2col and its adjoint col2im on the CPU. Row (c·KH + i)·KW + j of the columns holds, for every
/// output position (oh, ow), the input pixel x[c, oh·s − p + i, ow·s − p + j] (0 outside the image).
/// Work is split over (image, channel) pairs, so col2im's sums never race and are deterministic.
///
/// Read directly, a strided row x[ow·s + j] is a gather (im2col) or a scatter-add (col2im) of one
/// float at a time. So each image plane first goes through a small "phase plane" buffer: padded by p
/// on every side (no bounds checks) and with its columns split by phase — padded column xp is stored
/// at plane xp % s, position xp / s. Then the pixels ow·s + j for ow = 0, 1, … sit next to each other
/// (plane j % s, from position j / s), and every column row becomes one contiguous vector copy or add.
/// col2im adds the contributions to each pixel in the same (i, j) order as before, so sums are unchanged.
/// </summary>
internal static unsafe class CpuConv
{
    // One buffer per thread and element type, reused across calls (a few KiB for the GAN layers).
    static class PerThread<T> { [ThreadStatic] public static T[]? Data; }

    /// <summary>Sizes of the phase planes: SW planes of Hp rows of Wq elements.</summary>
    sealed class Planes
    {
        public readonly int Hp, Wq, Size;
        /// <summary>Image pixel (ih, iw) lives at (ih + PH)·Wq + Column[iw] (a table: no divisions per pixel).</summary>
        public readonly int[] Column;
        public Planes(ConvGeometry g)
        {
            Hp = Math.Max((g.OH - 1) * g.SH + g.KH, g.H + g.PH);
            Wq = Math.Max(g.OW + (g.KW - 1) / g.SW, (g.W - 1 + g.PW) / g.SW + 1);
            Size = g.SW * Hp * Wq;
            Column = new int[g.W];
            for (int iw = 0; iw < g.W; iw++) Column[iw] = At(g, 0, iw + g.PW);
        }
        /// <summary>Where padded pixel (row yp, column xp) lives.</summary>
        public int At(ConvGeometry g, int yp, int xp) => ((xp % g.SW) * Hp + yp) * Wq + xp / g.SW;
    }

    static T[] Buffer<T>(int n) => PerThread<T>.Data is { } b && b.Length >= n ? b : (PerThread<T>.Data = new T[n]);

    public static void Im2Col<T>(NDArray xa, NDArray ca, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = CpuBackend.Start(xa), co = CpuBackend.Start(ca);
        var P = new Planes(g);
        RowPlan.ForEachRow(n * g.C, g.H * g.W * g.KH * g.KW, unit =>
        {
            int C = g.C, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, H = g.H, W = g.W, KH = g.KH, KW = g.KW, L = OH * OW;
            int img = unit / C, c = unit % C;
            var buf = Buffer<T>(P.Size);
            Array.Clear(buf, 0, P.Size);   // the padding reads as zeros
            fixed (T* px = x, pc = cols, pb = buf)
            {
                T* src = px + xo + (img * C + c) * H * W;
                fixed (int* col = P.Column)
                    for (int ih = 0; ih < H; ih++)
                    {
                        T* line = pb + (ih + g.PH) * P.Wq; T* s = src + ih * W;
                        for (int iw = 0; iw < W; iw++) line[col[iw]] = s[iw];
                    }
                for (int i = 0; i < KH; i++)
                    for (int j = 0; j < KW; j++)
                    {
                        T* row = pc + co + (img * g.Rows + (c * KH + i) * KW + j) * L;
                        T* from = pb + P.At(g, i, j);   // (oh, ow) reads from[oh·SH·Wq + ow]
                        for (int oh = 0; oh < OH; oh++) CopyTo(row + oh * OW, from + oh * SH * P.Wq, OW);
                    }
            }
        });
    }

    public static void Col2Im<T>(NDArray ca, NDArray xa, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = CpuBackend.Data<T>(xa); var cols = CpuBackend.Data<T>(ca);
        int n = xa.Shape[0], xo = CpuBackend.Start(xa), co = CpuBackend.Start(ca);
        var P = new Planes(g);
        RowPlan.ForEachRow(n * g.C, g.H * g.W * g.KH * g.KW, unit =>
        {
            int C = g.C, OH = g.OH, OW = g.OW, SH = g.SH, H = g.H, W = g.W, KH = g.KH, KW = g.KW, L = OH * OW;
            int img = unit / C, c = unit % C;
            var buf = Buffer<T>(P.Size);
            Array.Clear(buf, 0, P.Size);
            fixed (T* px = x, pc = cols, pb = buf)
            {
                for (int i = 0; i < KH; i++)
                    for (int j = 0; j < KW; j++)
                    {
                        T* row = pc + co + (img * g.Rows + (c * KH + i) * KW + j) * L;
                        T* to = pb + P.At(g, i, j);
                        for (int oh = 0; oh < OH; oh++) AddTo(to + oh * SH * P.Wq, row + oh * OW, OW);
                    }
                // Only the image's own pixels go back; what landed in the padding is dropped.
                T* dst = px + xo + (img * C + c) * H * W;
                fixed (int* col = P.Column)
                    for (int ih = 0; ih < H; ih++)
                    {
                        T* line = pb + (ih + g.PH) * P.Wq; T* d = dst + ih * W;
                        for (int iw = 0; iw < W; iw++) d[iw] = line[col[iw]];
                    }
            }
        });
    }

    // dst[k] += src[k], k < n: whole vectors, then the tail one at a time. Inlined: the rows are 4 to
    // 32 elements, so a call (or a memmove, below) per row cost as much as the row itself.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddTo<T>(T* dst, T* src, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + Vector512<T>.Count <= n; k += Vector512<T>.Count)
                (Vector512.Load(dst + k) + Vector512.Load(src + k)).Store(dst + k);
        for (; k + Vector256<T>.Count <= n; k += Vector256<T>.Count)
            (Vector256.Load(dst + k) + Vector256.Load(src + k)).Store(dst + k);
        for (; k + Vector128<T>.Count <= n; k += Vector128<T>.Count)   // the 4-wide rows of a 4×4 map
            (Vector128.Load(dst + k) + Vector128.Load(src + k)).Store(dst + k);
        for (; k < n; k++) dst[k] += src[k];
    }

    // dst[k] = src[k], k < n, the same way.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyTo<T>(T* dst, T* src, int n) where T : unmanaged
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + Vector512<T>.Count <= n; k += Vector512<T>.Count) Vector512.Load(src + k).Store(dst + k);
        for (; k + Vector256<T>.Count <= n; k += Vector256<T>.Count) Vector256.Load(src + k).Store(dst + k);
        for (; k + Vector128<T>.Count <= n; k += Vector128<T>.Count) Vector128.Load(src + k).Store(dst + k);
        for (; k < n; k++) dst[k] = src[k];
    }
}
