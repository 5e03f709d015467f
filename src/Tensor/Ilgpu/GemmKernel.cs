using System.Numerics;
using ILGPU;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// The tiled matrix product every ILGPU accelerator runs (docs/backends.md draws the tiles).
///
/// Each group of 256 threads computes one 64×64 block of C. It walks K in slices of 16: the group
/// copies a 64×16 slice of A and a 16×64 slice of B into shared memory (4 elements per thread,
/// mapped so that neighbouring threads read neighbouring addresses whichever operand stride is 1:
/// coalesced for plain and transposed operands alike), waits at a barrier, and then every thread
/// multiplies out of shared memory into a 4×4 register tile — 16 fused multiply-adds for every 8
/// shared-memory reads. Thread (tx, ty) owns rows ty + 16i and columns tx + 16j, so one warp's reads
/// of B are consecutive and its reads of A are broadcasts. The shared tiles have a row pitch of 65,
/// not 64, so the transposing stores do not all land in one memory bank.
///
/// Grid: (⌈N/64⌉, ⌈M/64⌉, batches). With Inner &gt; 1 a group also sums over Inner consecutive batch
/// items (c = Σ_b a[b]·b[b], the gradient of a weight shared across a batch).
/// </summary>
internal static partial class Kernels
{
    public const int GemmTile = 64, GemmSlice = 16, GemmThreads = 256;
    const int Pitch = GemmTile + 1;

    public static void MatMulTiled<T>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, MatMulArgs g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sa = SharedMemory.Allocate<T>(GemmSlice * Pitch);   // sa[k·65 + m]
        var sb = SharedMemory.Allocate<T>(GemmSlice * Pitch);   // sb[k·65 + n]
        int tid = Group.IdxX, tx = tid & 15, ty = tid >> 4;
        int n0 = Grid.IdxX * GemmTile, m0 = Grid.IdxY * GemmTile, cb = Grid.IdxZ;
        bool aKUnit = g.As2 == 1, bNUnit = g.Bs2 == 1;
        Row4<T> r0 = default, r1 = default, r2 = default, r3 = default;

        for (int bi = cb * g.Inner; bi < (cb + 1) * g.Inner; bi++)
        {
            int aBase = g.Ao + bi * g.As0, bBase = g.Bo + bi * g.Bs0;
            for (int k0 = 0; k0 < g.K; k0 += GemmSlice)
            {
                for (int q = 0; q < 4; q++)
                {
                    int l = tid + GemmThreads * q;
                    // A slice, 64 rows × 16: consecutive threads take consecutive k if k is A's unit stride, else consecutive m.
                    int am = aKUnit ? l >> 4 : l & 63, ak = aKUnit ? l & 15 : l >> 6;
                    int gm = m0 + am, gk = k0 + ak;
                    sa[ak * Pitch + am] = gm < g.M && gk < g.K ? a[aBase + gm * g.As1 + gk * g.As2] : T.Zero;
                    // B slice, 16 × 64 columns: consecutive n if n is B's unit stride, else consecutive k.
                    int bn = bNUnit ? l & 63 : l >> 4, bk = bNUnit ? l >> 6 : l & 15;
                    int gn = n0 + bn, gkb = k0 + bk;
                    sb[bk * Pitch + bn] = gn < g.N && gkb < g.K ? b[bBase + gkb * g.Bs1 + gn * g.Bs2] : T.Zero;
                }
                Group.Barrier();
                for (int k = 0; k < GemmSlice; k++)
                {
                    int ra = k * Pitch + ty, rb = k * Pitch + tx;
                    T b0 = sb[rb], b1 = sb[rb + 16], b2 = sb[rb + 32], b3 = sb[rb + 48];
                    r0 = r0.Fma(sa[ra], b0, b1, b2, b3);
                    r1 = r1.Fma(sa[ra + 16], b0, b1, b2, b3);
                    r2 = r2.Fma(sa[ra + 32], b0, b1, b2, b3);
                    r3 = r3.Fma(sa[ra + 48], b0, b1, b2, b3);
                }
                Group.Barrier();
            }
        }
        int cBase = g.Co + cb * g.M * g.N;
        r0.Store(c, cBase, m0 + ty, n0 + tx, g.M, g.N);
        r1.Store(c, cBase, m0 + ty + 16, n0 + tx, g.M, g.N);
        r2.Store(c, cBase, m0 + ty + 32, n0 + tx, g.M, g.N);
        r3.Store(c, cBase, m0 + ty + 48, n0 + tx, g.M, g.N);
    }
}

/// <summary>One row of a thread's 4×4 register tile: columns tx, tx+16, tx+32, tx+48.</summary>
internal struct Row4<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T C0, C1, C2, C3;

    public readonly Row4<T> Fma(T a, T b0, T b1, T b2, T b3) =>
        new() { C0 = C0 + a * b0, C1 = C1 + a * b1, C2 = C2 + a * b2, C3 = C3 + a * b3 };

    public readonly void Store(ArrayView<T> c, int cBase, int row, int col, int m, int n)
    {
        if (row >= m) return;
        int at = cBase + row * n;
        if (col < n) c[at + col] = C0;
        if (col + 16 < n) c[at + col + 16] = C1;
        if (col + 32 < n) c[at + col + 32] = C2;
        if (col + 48 < n) c[at + col + 48] = C3;
    }
}

internal static partial class Kernels
{
    /// <summary>
    /// The plainest product: one thread per output element, a dot product over K (and over Inner batch
    /// items). No shared memory and no barriers — the engine for ILGPU's CPU accelerator, and the
    /// reference the tiled kernel is tested against.
    /// </summary>
    public static void MatMulSimple<T>(Index1D t, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, MatMulArgs g, int total, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < total; i += step)
        {
            int col = i % g.N, row = (i / g.N) % g.M, cb = i / (g.N * g.M);
            T acc = T.Zero;
            for (int bi = cb * g.Inner; bi < (cb + 1) * g.Inner; bi++)
            {
                int ao = g.Ao + bi * g.As0 + row * g.As1, bo = g.Bo + bi * g.Bs0 + col * g.Bs2;
                for (int p = 0; p < g.K; p++) acc += a[ao + p * g.As2] * b[bo + p * g.Bs1];
            }
            c[g.Co + i] = acc;
        }
    }
}
