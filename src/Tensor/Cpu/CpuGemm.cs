using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
internal static unsafe partial class CpuGemm
{
    // Block sizes, tuned on a 2-core AMD EPYC (Zen 4: 32 KiB L1d, 1 MiB L2 per core): a packed
    // KC×NR panel of B stays in L1, a KC×MC block of A and a KC×NC slice of B (512 KiB) stay in L2.
    // A is packed again for every NC columns, so a wider NC packs it less often: 512 → 1024 took
    // 3-8% off most dcgan64 products; KC = 192 or MC = 132 measured no better.
    const int MR = 6, KC = 128, MC = 120, NC = 1024;
    static readonly int NR = Vector512.IsHardwareAccelerated ? 32 : 16;

    [ThreadStatic] static float[]? _packA, _packB, _tile;

    /// <summary>
    /// Where the elements of one logical GEMM live: element (i, k) of A is at ARow[i] + ACol[k], and
    /// so on. Offset tables let one GEMM cover a whole batch — a shared weight times every sample's
    /// columns becomes one wide product (merged columns), and a weight gradient summed over the batch
    /// becomes one deep product (merged k) — instead of many small ones that each repack the weight.
    /// </summary>
    sealed class Layout
    {
        public float[] A = null!, B = null!, C = null!;
        public int M, N, K;
        public int[] ARow = null!, ACol = null!, BRow = null!, BCol = null!, CRow = null!, CCol = null!;
        public int Ldc;            // CRow[i+1] − CRow[i], when uniform (always so for contiguous C)
    }

    static int[] Table(int n, int inner, int outerStride, int innerStride, int offset = 0)
    {
        var t = new int[n];
        for (int i = 0; i < n; i++) t[i] = offset + (i / inner) * outerStride + (i % inner) * innerStride;
        return t;
    }

    /// <summary>
    /// c[b] = a[b]·b[b] for [B,M,K]·[B,K,N] → contiguous [B,M,N]; or, when c is [1,M,N] and B &gt; 1,
    /// c = Σ_b a[b]·b[b] (a weight gradient summed over the batch).
    /// </summary>
    public static void Batched(NDArray a, NDArray b, NDArray c)
    {
        int batch = a.Shape[0], m = a.Shape[1], k = a.Shape[2], n = b.Shape[2];
        var L = new Layout { A = CpuBackend.Data<float>(a), B = CpuBackend.Data<float>(b), C = CpuBackend.Data<float>(c) };
        int as0 = a.Strides[0], bs0 = b.Strides[0], rsa = a.Strides[1], csa = a.Strides[2], rsb = b.Strides[1], csb = b.Strides[2];
        if (c.Shape[0] == 1 && batch > 1 && csa == 1 && rsb == 1 && m * n <= 4096)
        {   // a small weight gradient over a long batch: every entry is a sum of long dot products
            SumOfDots(L, a, b, c, batch, m, n, k);
            return;
        }
        if (c.Shape[0] == 1 && batch > 1)
        {   // merged k: k' = (b, p)
            L.M = m; L.N = n; L.K = batch * k;
            L.ARow = Table(m, m, 0, rsa, CpuBackend.Start(a)); L.ACol = Table(L.K, k, as0, csa);
            L.BRow = Table(L.K, k, bs0, rsb, CpuBackend.Start(b)); L.BCol = Table(n, n, 0, csb);
            L.CRow = Table(m, m, 0, n, CpuBackend.Start(c)); L.CCol = Table(n, n, 0, 1);
        }
        else if (batch == 1 || as0 == 0)
        {   // merged columns: j' = (b, j); the shared A is packed once for the whole batch
            L.M = m; L.N = batch * n; L.K = k;
            L.ARow = Table(m, m, 0, rsa, CpuBackend.Start(a)); L.ACol = Table(k, k, 0, csa);
            L.BRow = Table(k, k, 0, rsb, CpuBackend.Start(b)); L.BCol = Table(L.N, n, bs0, csb);
            L.CRow = Table(m, m, 0, n, CpuBackend.Start(c)); L.CCol = Table(L.N, n, m * n, 1);
        }
        else if (bs0 == 0)
        {   // merged rows: i' = (b, i); the shared B is packed once
            L.M = batch * m; L.N = n; L.K = k;
            L.ARow = Table(L.M, m, as0, rsa, CpuBackend.Start(a)); L.ACol = Table(k, k, 0, csa);
            L.BRow = Table(k, k, 0, rsb, CpuBackend.Start(b)); L.BCol = Table(n, n, 0, csb);
            L.CRow = Table(L.M, m, m * n, n, CpuBackend.Start(c)); L.CCol = Table(n, n, 0, 1);
        }
        else
        {   // independent products: whole GEMMs split over threads
            int t = Math.Min(CpuInfo.Threads, batch);
            ForkJoin.Run(t, w =>
            {
                for (int i = batch * w / t; i < batch * (w + 1) / t; i++)
                {
                    var l = new Layout
                    {
                        A = L.A, B = L.B, C = L.C, M = m, N = n, K = k,
                        ARow = Table(m, m, 0, rsa, CpuBackend.Start(a) + i * as0), ACol = Table(k, k, 0, csa),
                        BRow = Table(k, k, 0, rsb, CpuBackend.Start(b) + i * bs0), BCol = Table(n, n, 0, csb),
                        CRow = Table(m, m, 0, n, CpuBackend.Start(c) + i * m * n), CCol = Table(n, n, 0, 1), Ldc = n,
                    };
                    Run(l, 1);
                }
            });
            return;
        }
        L.Ldc = L.M > 1 ? L.CRow[1] - L.CRow[0] : n;
        Run(L, 2L * L.M * L.N * L.K < 2_000_000 ? 1 : CpuInfo.Threads);
    }

    /// <summary>
    /// c[i,j] = Σ_b a[b,i,:]·b[b,:,j] when both vectors are contiguous: for a small c (a first conv
    /// layer's weight gradient, 32×25) and a long batch, packing would cost more than the products.
    /// </summary>
    static void SumOfDots(Layout L, NDArray a, NDArray b, NDArray c, int batch, int m, int n, int k)
    {
        // Batch outermost: one sample's rows of a and b (a few hundred KiB) stay in cache while all
        // their products are taken; each thread owns a band of rows of c, summed in batch order.
        int t = Math.Min(CpuInfo.Threads, m), ao = CpuBackend.Start(a), bo = CpuBackend.Start(b), co = CpuBackend.Start(c);
        ForkJoin.Run(t, w =>
        {
            int i0 = m * w / t, i1 = m * (w + 1) / t;
            var acc = new float[(i1 - i0) * n];
            for (int bi = 0; bi < batch; bi++)
                for (int i = i0; i < i1; i++)
                {
                    var row = new ReadOnlySpan<float>(L.A, ao + bi * a.Strides[0] + i * a.Strides[1], k);
                    for (int j = 0; j < n; j++)
                        acc[(i - i0) * n + j] += TensorPrimitives.Dot(row,
                            new ReadOnlySpan<float>(L.B, bo + bi * b.Strides[0] + j * b.Strides[2], k));
                }
            acc.CopyTo(L.C, co + i0 * n);
        });
    }

    static void Run(Layout L, int threads)
    {
        if (L.K == 0)
        {
            for (int i = 0; i < L.M; i++) for (int j = 0; j < L.N; j++) L.C[L.CRow[i] + L.CCol[j]] = 0;
            return;
        }
        if (threads <= 1) { Serial(L, 0, L.M, 0, L.N); return; }
        // Split the larger dimension of C into equal bands, in whole micro-tiles. Each thread packs
        // all of the operand that is not split, so splitting the larger side duplicates the least.
        int colUnits = (L.N + NR - 1) / NR, rowUnits = (L.M + MR - 1) / MR;
        bool byCols = L.N >= L.M ? colUnits >= threads || rowUnits < threads : rowUnits < threads;
        int units = byCols ? (L.N + NR - 1) / NR : (L.M + MR - 1) / MR, size = byCols ? NR : MR;
        threads = Math.Min(threads, units);
        ForkJoin.Run(threads, t =>
        {
            int u0 = units * t / threads, u1 = units * (t + 1) / threads;
            if (byCols) Serial(L, 0, L.M, u0 * size, Math.Min(L.N, u1 * size));
            else Serial(L, u0 * size, Math.Min(L.M, u1 * size), 0, L.N);
        });
    }

    // C[i0:i1, j0:j1] = A[i0:i1, :]·B[:, j0:j1] on one thread.
    static void Serial(Layout L, int i0, int i1, int j0, int j1)
    {
        // Blocks of NC columns keep the packed slice of B (KC × NC floats, 512 KiB) in the L2 cache.
        for (int jc = j0; jc < j1; jc += NC) SerialBlock(L, i0, i1, jc, Math.Min(j1, jc + NC));
    }

    static void SerialBlock(Layout L, int i0, int i1, int j0, int j1)
    {
        int nr = NR, n = j1 - j0, nPanels = (n + nr - 1) / nr, k = L.K, ldc = L.Ldc;
        var packB = Grow(ref _packB, KC * nPanels * nr);
        var packA = Grow(ref _packA, KC * MC);
        var tile = Grow(ref _tile, MR * nr);
        bool rowsUniform = true;
        for (int i = i0 + 1; i < i1; i++) if (L.CRow[i] - L.CRow[i - 1] != ldc) { rowsUniform = false; break; }
        var C = L.C;
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            PackB(L, pc, kc, j0, j1, packB);
            for (int ic = i0; ic < i1; ic += MC)
            {
                int mc = Math.Min(MC, i1 - ic);
                PackA(L, ic, mc, pc, kc, packA);
                fixed (float* pa = packA, pb = packB, pt = tile, pC = C)
                {
                    for (int jp = 0; jp < nPanels; jp++)
                    {
                        int jj = j0 + jp * nr, nw = Math.Min(nr, j1 - jj), half = nr / 2;
                        // The kernel stores each half of a tile row (one vector register) through its
                        // own pointer, so a panel whose halves are two dense runs — the 4×4 and 8×8
                        // maps of a batch merged into columns, 16 or 64 columns per image — is written
                        // straight into C rather than through the temporary tile.
                        bool denseHalves;
                        fixed (int* cc = L.CCol) denseHalves = nw == nr && Adjacent(cc + jj, half) && Adjacent(cc + jj + half, half);
                        for (int ip = 0; ip * MR < mc; ip++)
                        {
                            int ii = ic + ip * MR, mh = Math.Min(MR, i1 - ii);
                            float* a = pa + ip * MR * kc, b = pb + jp * nr * kc;
                            bool acc = pc > 0;
                            if (mh == MR && denseHalves && rowsUniform)
                                Kernel(kc, a, b, pC + L.CRow[ii] + L.CCol[jj], pC + L.CRow[ii] + L.CCol[jj + half], ldc, acc);
                            else
                            {
                                Kernel(kc, a, b, pt, pt + half, nr, false);
                                WriteTile(L, pt, nr, ii, mh, jj, nw, acc);
                            }
                        }
                    }
                }
            }
        }
    }

    // An edge tile (fewer than MR rows or NR columns, or columns that jump between batch items):
    // written from the temporary tile run by run, each contiguous run with SIMD.
    static void WriteTile(Layout L, float* tile, int nr, int ii, int mh, int jj, int nw, bool accumulate)
    {
        var C = L.C;
        for (int q = 0; q < nw;)
        {
            int e = q + 1;
            while (e < nw && L.CCol[jj + e] == L.CCol[jj + e - 1] + 1) e++;
            for (int r = 0; r < mh; r++)
            {
                var src = new ReadOnlySpan<float>(tile + r * nr + q, e - q);
                var dst = C.AsSpan(L.CRow[ii + r] + L.CCol[jj + q], e - q);
                if (accumulate) TensorPrimitives.Add(dst, src, dst);
                else src.CopyTo(dst);
            }
            q = e;
        }
    }

    static float[] Grow(ref float[]? buf, int n) => buf != null && buf.Length >= n ? buf : (buf = new float[n]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Kernel(int kc, float* a, float* b, float* c, float* c1, int ldc, bool accumulate)
    {
        if (Vector512.IsHardwareAccelerated) Kernel6x32(kc, a, b, c, c1, ldc, accumulate);
        else Kernel6x16(kc, a, b, c, c1, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x32(int kc, float* a, float* b, float* c, float* c1, int ldc, bool accumulate)
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
        Store512(c, c1, c00, c01, accumulate); Store512(c + ldc, c1 + ldc, c10, c11, accumulate);
        Store512(c + 2 * ldc, c1 + 2 * ldc, c20, c21, accumulate); Store512(c + 3 * ldc, c1 + 3 * ldc, c30, c31, accumulate);
        Store512(c + 4 * ldc, c1 + 4 * ldc, c40, c41, accumulate); Store512(c + 5 * ldc, c1 + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store512(float* c, float* c1, Vector512<float> v0, Vector512<float> v1, bool accumulate)
    {
        if (accumulate) { v0 += Vector512.Load(c); v1 += Vector512.Load(c1); }
        v0.Store(c); v1.Store(c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x16(int kc, float* a, float* b, float* c, float* c1, int ldc, bool accumulate)
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
        Store256(c, c1, c00, c01, accumulate); Store256(c + ldc, c1 + ldc, c10, c11, accumulate);
        Store256(c + 2 * ldc, c1 + 2 * ldc, c20, c21, accumulate); Store256(c + 3 * ldc, c1 + 3 * ldc, c30, c31, accumulate);
        Store256(c + 4 * ldc, c1 + 4 * ldc, c40, c41, accumulate); Store256(c + 5 * ldc, c1 + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store256(float* c, float* c1, Vector256<float> v0, Vector256<float> v1, bool accumulate)
    {
        if (accumulate) { v0 += Vector256.Load(c); v1 += Vector256.Load(c1); }
        v0.Store(c); v1.Store(c1);
    }

    /// <summary>Any T (float64 for gradient checks): row-by-row saxpy with SIMD, threads over rows.</summary>
    public static void BatchedGeneric<T>(NDArray a, NDArray b, NDArray c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var A = CpuBackend.Data<T>(a); var B = CpuBackend.Data<T>(b); var C = CpuBackend.Data<T>(c);
        int batch = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        int inner = a.Shape[0] / batch;   // > 1: c sums the products over the batch
        int ao = CpuBackend.Start(a), bs = CpuBackend.Start(b), co = CpuBackend.Start(c);
        RowPlan.ForEachRow(batch * m, n * Math.Max(k, 1), row =>
        {
            int i = row % m;
            var dst = C.AsSpan(co + row * n, n);
            dst.Clear();
            var tmp = b.Strides[2] == 1 ? null : new T[n];
            for (int bi = (row / m) * inner; bi < (row / m + 1) * inner; bi++)
            for (int p = 0; p < k; p++)
            {
                T av = A[ao + bi * a.Strides[0] + i * a.Strides[1] + p * a.Strides[2]];
                int bo = bs + bi * b.Strides[0] + p * b.Strides[1];
                if (tmp == null) TensorPrimitives.MultiplyAdd(B.AsSpan(bo, n), av, dst, dst);
                else { for (int j = 0; j < n; j++) tmp[j] = B[bo + j * b.Strides[2]]; TensorPrimitives.MultiplyAdd(tmp, av, dst, dst); }
            }
        });
    }
}
