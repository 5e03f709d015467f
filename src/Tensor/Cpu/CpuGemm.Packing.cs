using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratch.Tensors.Cpu;

// Packing: copying a block of A or B into the exact order the micro-kernel streams it, so the kernel
// reads both operands front to back from L1/L2 whatever their layout in memory.
internal static unsafe partial class CpuGemm
{
    // Row panels of MR rows: panel[p·MR + r] = A[i, k]; rows past the edge are zero. Raw pointers:
    // this runs once per element of A for every NC columns of C, and with three bounds-checked array
    // reads per element it cost a quarter of the micro-kernel's time (perf, dcgan64-step).
    static void PackA(Layout L, int ic, int mc, int pc, int kc, float[] dst)
    {
        fixed (float* A = L.A, D = dst)
        fixed (int* rowOff = L.ARow, colOff = L.ACol)
        {
            int* co = colOff + pc;
            for (int ip = 0; ip * MR < mc; ip++)
            {
                float* d = D + ip * MR * kc;
                int rows = Math.Min(MR, mc - ip * MR), i0 = ic + ip * MR;
                int* ro = rowOff + i0;
                if (rows < MR)
                {
                    new Span<float>(d, MR * kc).Clear();
                    for (int r = 0; r < rows; r++)
                    {
                        float* s = A + ro[r];
                        for (int p = 0; p < kc; p++) d[p * MR + r] = s[co[p]];
                    }
                }
                else if (Adjacent(ro, MR))
                {   // the MR rows are adjacent in memory (Aᵀ of a row-major matrix): one short run per k
                    float* s = A + ro[0];
                    for (int p = 0; p < kc; p++, d += MR)
                    {
                        float* q = s + co[p];
                        d[0] = q[0]; d[1] = q[1]; d[2] = q[2]; d[3] = q[3]; d[4] = q[4]; d[5] = q[5];
                    }
                }
                else
                {   // rows apart: MR read streams, one contiguous write (MR = 6)
                    float* s0 = A + ro[0], s1 = A + ro[1], s2 = A + ro[2], s3 = A + ro[3], s4 = A + ro[4], s5 = A + ro[5];
                    for (int p = 0; p < kc; p++, d += MR)
                    {
                        int o = co[p];
                        d[0] = s0[o]; d[1] = s1[o]; d[2] = s2[o]; d[3] = s3[o]; d[4] = s4[o]; d[5] = s5[o];
                    }
                }
            }
        }
    }

    // Whether n offsets are one run, each one past the last. Not "last − first = n − 1": a batch broadcast
    // with stride 0 repeats offsets, and columns [0, 3, 0, 3] span 3 without being adjacent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Adjacent(int* off, int n)
    {
        for (int i = 1; i < n; i++) if (off[i] != off[i - 1] + 1) return false;
        return true;
    }

    // n floats from s to d: 8 at a time, then one by one. Array.Copy's per-call checks cost as much
    // as the copy itself for the 16- and 32-float runs of a panel row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyRun(float* s, float* d, int n)
    {
        int q = 0;
        for (; q + 8 <= n; q += 8) Vector256.Load(s + q).Store(d + q);
        for (; q < n; q++) d[q] = s[q];
    }

    // Column panels of NR columns: panel[p·NR + q] = B[k, j]; columns past the edge are zero.
    static void PackB(Layout L, int pc, int kc, int j0, int j1, float[] dst)
    {
        int nr = NR;
        var B = L.B; var rowOff = L.BRow; var colOff = L.BCol;
        // Dense full panels, row by row: each row of B is read once, front to back (prefetch-friendly).
        int fullPanels = (j1 - j0) / nr;
        Span<bool> denseFull = stackalloc bool[fullPanels];
        fixed (float* pB = B, pD = dst)
        fixed (int* ro = rowOff, co = colOff)
        {
            for (int jp = 0; jp < fullPanels; jp++) denseFull[jp] = Adjacent(co + j0 + jp * nr, nr);
            for (int p = 0; p < kc; p++)
            {
                float* src = pB + ro[pc + p];
                for (int jp = 0; jp < fullPanels; jp++)
                    if (denseFull[jp]) CopyRun(src + co[j0 + jp * nr], pD + jp * nr * kc + p * nr, nr);
            }
        }
        for (int jp = 0; j0 + jp * nr < j1; jp++)
        {
            int jj = j0 + jp * nr, cols = Math.Min(nr, j1 - jj), baseD = jp * nr * kc;
            if (cols == nr && denseFull[jp]) continue;   // full dense panels: packed above, a whole row of B at a time
            bool dense;
            fixed (int* co = colOff) dense = cols < nr && Adjacent(co + jj, cols);
            if (dense)
                for (int p = 0; p < kc; p++)
                {
                    int d = baseD + p * nr;
                    Array.Copy(B, rowOff[pc + p] + colOff[jj], dst, d, cols);
                    Array.Clear(dst, d + cols, nr - cols);
                }
            else
            {
                if (cols < nr) for (int p = 0; p < kc; p++) Array.Clear(dst, baseD + p * nr + cols, nr - cols);
                // Columns that are contiguous in runs (a panel that crosses from one batch item to the
                // next): each run is copied row by row.
                int runs = 1;
                for (int q = 1; q < cols; q++) if (colOff[jj + q] != colOff[jj + q - 1] + 1) runs++;
                if (runs <= 4)
                {
                    fixed (float* pB = B, pD = dst)
                        for (int p = 0; p < kc; p++)
                        {
                            float* src = pB + rowOff[pc + p], d = pD + baseD + p * nr;
                            for (int q = 0; q < cols;)
                            {
                                int e = q + 1;
                                while (e < cols && colOff[jj + e] == colOff[jj + e - 1] + 1) e++;
                                CopyRun(src + colOff[jj + q], d + q, e - q);
                                q = e;
                            }
                        }
                    continue;
                }
                // B stored transposed (x·Wᵀ): 8×8 blocks transposed in registers where k runs contiguously.
                int q0 = 0;
                if (Avx.IsSupported)
                    fixed (float* pb = B, pd = dst)
                    fixed (int* ro = rowOff)
                        for (; q0 + 8 <= cols; q0 += 8)
                        {
                            // Reading 32 bytes from each of 8 far-apart rows at a time is a pattern the
                            // hardware prefetcher does not follow, and the rows (a conv's columns, 100 MB)
                            // come from DRAM: fetch the lines of the group two ahead while this one is
                            // transposed (dcgan64 weight gradients: -1 to -8%).
                            int ahead = jj + q0 + 16;
                            if (Sse.IsSupported && ahead + 8 <= j1)
                                for (int i = 0; i < 8; i++)
                                {
                                    float* col = pb + colOff[ahead + i];
                                    for (int p = 0; p < kc; p += 16) Sse.Prefetch0(col + rowOff[pc + p]);
                                }
                            for (int p = 0; p < kc; p += 8)
                            {
                                if (p + 8 <= kc && Adjacent(ro + pc + p, 8))
                                {
                                    float* src = pb + rowOff[pc + p];
                                    Transpose8x8(src + colOff[jj + q0], src + colOff[jj + q0 + 1],
                                                 src + colOff[jj + q0 + 2], src + colOff[jj + q0 + 3],
                                                 src + colOff[jj + q0 + 4], src + colOff[jj + q0 + 5],
                                                 src + colOff[jj + q0 + 6], src + colOff[jj + q0 + 7],
                                                 pd + baseD + p * nr + q0, nr);
                                }
                                else
                                    for (int pp = p; pp < Math.Min(kc, p + 8); pp++)
                                        for (int q = q0; q < q0 + 8; q++) pd[baseD + pp * nr + q] = pb[rowOff[pc + pp] + colOff[jj + q]];
                            }
                        }
                for (int q = q0; q < cols; q++)
                {
                    int c = colOff[jj + q];
                    for (int p = 0; p < kc; p++) dst[baseD + p * nr + q] = B[rowOff[pc + p] + c];
                }
            }
        }
    }

    // Rows r0..r7 (8 floats each) become columns: dst[p·stride + i] = r_i[p].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, float* r6, float* r7, float* dst, int stride)
    {
        Vector256<float> a0 = Avx.LoadVector256(r0), a1 = Avx.LoadVector256(r1), a2 = Avx.LoadVector256(r2), a3 = Avx.LoadVector256(r3),
                         a4 = Avx.LoadVector256(r4), a5 = Avx.LoadVector256(r5), a6 = Avx.LoadVector256(r6), a7 = Avx.LoadVector256(r7);
        var t0 = Avx.UnpackLow(a0, a1); var t1 = Avx.UnpackHigh(a0, a1); var t2 = Avx.UnpackLow(a2, a3); var t3 = Avx.UnpackHigh(a2, a3);
        var t4 = Avx.UnpackLow(a4, a5); var t5 = Avx.UnpackHigh(a4, a5); var t6 = Avx.UnpackLow(a6, a7); var t7 = Avx.UnpackHigh(a6, a7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + stride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * stride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * stride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * stride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * stride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * stride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * stride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
