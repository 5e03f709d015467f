using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// Single-precision GEMM in the BLIS style: C = A·B is cut into KC-deep slices; each slice of B is
/// packed into NR-wide column panels and each block of A into MR-tall row panels, so the micro-kernel
/// streams both from contiguous memory. The micro-kernel keeps an MR×NR tile of C in 12 vector
/// registers (6×32 floats with AVX-512, 6×16 with AVX2) and does one FMA per register per k.
/// The kernel must stay free of stackalloc and address-taken locals: either makes the JIT spill
/// every accumulator on each iteration (measured: 105 → 15 GFLOP/s).
/// Threads split C into fixed column (or row) bands; each band is a whole serial GEMM, so the result
/// is bitwise deterministic whatever the scheduling.
/// </summary>
internal static unsafe class CpuGemm
{
    const int MR = 6, KC = 256, MC = 96;
    static readonly int NR = Vector512.IsHardwareAccelerated ? 32 : 16;

    [ThreadStatic] static float[]? _packA, _packB, _tile;

    /// <summary>c[b] = a[b]·b[b] for [B,M,K]·[B,K,N] → contiguous [B,M,N].</summary>
    public static void Batched(NDArray a, NDArray b, NDArray c)
    {
        var A = CpuBackend.Data<float>(a); var B = CpuBackend.Data<float>(b); var C = CpuBackend.Data<float>(c);
        int batch = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        long flops = 2L * m * n * k;
        void One(int i, int threads) => Gemm(A, a.Offset + i * a.Strides[0], a.Strides[1], a.Strides[2],
                                              B, b.Offset + i * b.Strides[0], b.Strides[1], b.Strides[2],
                                              C, c.Offset + i * m * n, m, n, k, threads);
        int t = CpuInfo.Threads;
        if (batch >= t && flops < 8_000_000)
            RowPlan.Parallel(t, 1 << 20, (w, c0, c1) => { for (int i = batch * w / t; i < batch * (w + 1) / t; i++) One(i, 1); });
        else
            for (int i = 0; i < batch; i++) One(i, flops < 2_000_000 ? 1 : t);
    }

    static void Gemm(float[] A, int ao, int rsa, int csa, float[] B, int bo, int rsb, int csb,
                     float[] C, int co, int m, int n, int k, int threads)
    {
        if (k == 0) { C.AsSpan(co, m * n).Clear(); return; }
        if (threads <= 1) { Serial(A, ao, rsa, csa, B, bo, rsb, csb, C, co, n, 0, m, 0, n, k); return; }
        // Split the larger dimension of C into equal bands, in whole micro-tiles.
        bool byCols = (n + NR - 1) / NR >= threads * 2 || n >= m;
        int units = byCols ? (n + NR - 1) / NR : (m + MR - 1) / MR, size = byCols ? NR : MR;
        threads = Math.Min(threads, units);
        System.Threading.Tasks.Parallel.For(0, threads, t =>
        {
            int u0 = units * t / threads, u1 = units * (t + 1) / threads;
            if (byCols) Serial(A, ao, rsa, csa, B, bo, rsb, csb, C, co, n, 0, m, u0 * size, Math.Min(n, u1 * size), k);
            else Serial(A, ao, rsa, csa, B, bo, rsb, csb, C, co, n, u0 * size, Math.Min(m, u1 * size), 0, n, k);
        });
    }

    // C[i0:i1, j0:j1] = A[i0:i1, :]·B[:, j0:j1] on one thread.
    static void Serial(float[] A, int ao, int rsa, int csa, float[] B, int bo, int rsb, int csb,
                       float[] C, int co, int ldc, int i0, int i1, int j0, int j1, int k)
    {
        int nr = NR, n = j1 - j0, nPanels = (n + nr - 1) / nr;
        var packB = Grow(ref _packB, KC * nPanels * nr);
        var packA = Grow(ref _packA, KC * MC);
        var tile = Grow(ref _tile, MR * nr);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            PackB(B, bo + pc * rsb, rsb, csb, kc, j0, j1, packB);
            for (int ic = i0; ic < i1; ic += MC)
            {
                int mc = Math.Min(MC, i1 - ic);
                PackA(A, ao + ic * rsa + pc * csa, rsa, csa, mc, kc, packA);
                fixed (float* pa = packA, pb = packB, pt = tile, pcC = C)
                {
                    for (int jp = 0; jp < nPanels; jp++)
                    {
                        int jj = j0 + jp * nr, nw = Math.Min(nr, j1 - jj);
                        for (int ip = 0; ip * MR < mc; ip++)
                        {
                            int ii = ic + ip * MR, mh = Math.Min(MR, i1 - ii);
                            float* a = pa + ip * MR * kc, b = pb + jp * nr * kc;
                            bool acc = pc > 0;
                            if (mh == MR && nw == nr) Kernel(kc, a, b, pcC + co + ii * ldc + jj, ldc, acc);
                            else
                            {
                                Kernel(kc, a, b, pt, nr, false);
                                for (int r = 0; r < mh; r++)
                                    for (int q = 0; q < nw; q++)
                                    {
                                        ref float dst = ref C[co + (ii + r) * ldc + jj + q];
                                        dst = acc ? dst + pt[r * nr + q] : pt[r * nr + q];
                                    }
                            }
                        }
                    }
                }
            }
        }
    }

    static float[] Grow(ref float[]? buf, int n) => buf != null && buf.Length >= n ? buf : (buf = new float[n]);

    // Row panels of MR rows: panel[p·MR + r] = A[r, p]; rows past the edge are zero.
    static void PackA(float[] A, int ao, int rsa, int csa, int mc, int kc, float[] dst)
    {
        for (int ip = 0; ip * MR < mc; ip++)
        {
            int baseD = ip * MR * kc, rows = Math.Min(MR, mc - ip * MR);
            for (int r = 0; r < MR; r++)
            {
                if (r >= rows) { for (int p = 0; p < kc; p++) dst[baseD + p * MR + r] = 0; continue; }
                int src = ao + (ip * MR + r) * rsa;
                for (int p = 0; p < kc; p++) dst[baseD + p * MR + r] = A[src + p * csa];
            }
        }
    }

    // Column panels of NR columns: panel[p·NR + q] = B[p, q]; columns past the edge are zero.
    static void PackB(float[] B, int bo, int rsb, int csb, int kc, int j0, int j1, float[] dst)
    {
        int nr = NR;
        for (int jp = 0; j0 + jp * nr < j1; jp++)
        {
            int jj = j0 + jp * nr, cols = Math.Min(nr, j1 - jj), baseD = jp * nr * kc;
            for (int p = 0; p < kc; p++)
            {
                int src = bo + p * rsb + jj * csb, d = baseD + p * nr;
                if (csb == 1) Array.Copy(B, src, dst, d, cols);
                else for (int q = 0; q < cols; q++) dst[d + q] = B[src + q * csb];
                if (cols < nr) Array.Clear(dst, d + cols, nr - cols);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Kernel(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        if (Vector512.IsHardwareAccelerated) Kernel6x32(kc, a, b, c, ldc, accumulate);
        else Kernel6x16(kc, a, b, c, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x32(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                         c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += 32)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }
        Store512(c, c00, c01, accumulate); Store512(c + ldc, c10, c11, accumulate); Store512(c + 2 * ldc, c20, c21, accumulate);
        Store512(c + 3 * ldc, c30, c31, accumulate); Store512(c + 4 * ldc, c40, c41, accumulate); Store512(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, bool accumulate)
    {
        if (accumulate) { v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16); }
        v0.Store(c); v1.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
                         c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += 16)
        {
            var b0 = Vector256.Load(b); var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        Store256(c, c00, c01, accumulate); Store256(c + ldc, c10, c11, accumulate); Store256(c + 2 * ldc, c20, c21, accumulate);
        Store256(c + 3 * ldc, c30, c31, accumulate); Store256(c + 4 * ldc, c40, c41, accumulate); Store256(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool accumulate)
    {
        if (accumulate) { v0 += Vector256.Load(c); v1 += Vector256.Load(c + 8); }
        v0.Store(c); v1.Store(c + 8);
    }

    /// <summary>Any T (float64 for gradient checks): row-by-row saxpy with SIMD, threads over rows.</summary>
    public static void BatchedGeneric<T>(NDArray a, NDArray b, NDArray c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var A = CpuBackend.Data<T>(a); var B = CpuBackend.Data<T>(b); var C = CpuBackend.Data<T>(c);
        int batch = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        RowPlan.Parallel(batch * m, n * Math.Max(k, 1), (row, c0, c1) =>
        {
            if (c0 != 0) return;
            int bi = row / m, i = row % m;
            var dst = C.AsSpan(c.Offset + row * n, n);
            dst.Clear();
            var tmp = b.Strides[2] == 1 ? null : new T[n];
            for (int p = 0; p < k; p++)
            {
                T av = A[a.Offset + bi * a.Strides[0] + i * a.Strides[1] + p * a.Strides[2]];
                int bo = b.Offset + bi * b.Strides[0] + p * b.Strides[1];
                if (tmp == null) TensorPrimitives.MultiplyAdd(B.AsSpan(bo, n), av, dst, dst);
                else { for (int j = 0; j < n; j++) tmp[j] = B[bo + j * b.Strides[2]]; TensorPrimitives.MultiplyAdd(tmp, av, dst, dst); }
            }
        });
    }
}
