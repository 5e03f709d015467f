using System.Numerics;
using ILGPU;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Reductions over any set of axes in one launch. <c>outer</c> walks the output elements inside the
/// source (reduced axes pinned at 0) and <c>inner</c> walks the reduced elements of one output (all
/// reduced axes at once, offset 0). Two shapes of work:
/// - <see cref="ReduceGroups{T, TOp}"/>: one thread group per output, for the long reductions of a
///   training step (a bias gradient or BatchNorm statistic sums 25,000 values per channel, for only
///   32–64 channels). Its threads stride over the reduced elements, then combine their partials in
///   an order fixed by the launch shape alone (see there), so a sum gives the same bits every run.
/// - <see cref="ReduceThreads{T, TOp}"/>: one thread per output, for many short reductions (softmax
///   over 10 classes, a row of a small matrix), where a group per output would sit mostly idle.
/// </summary>
internal static partial class Kernels
{
    /// <summary>The most threads a reduction group may have; also its shared slots (one per warp, warps of one lane at worst).</summary>
    public const int ReduceGroupMax = 256;

    /// <summary>
    /// One group per output: each thread's strided partial, a warp tree (<see cref="WarpCombine{T, TOp}"/>)
    /// to lane 0, one shared slot per warp, a barrier, then thread 0 combines the slots in warp order
    /// and writes. No atomics: the order of every combine depends only on the group and warp sizes,
    /// never on which warp finishes first. The group size must be a multiple of the warp size (the
    /// backend makes it so). For CUDA, the CPU accelerator and Intel's OpenCL: ILGPU 1.5.3 writes warp
    /// shuffles for no other OpenCL vendor, which take <see cref="ReduceGroupsShared{T, TOp}"/>.
    /// </summary>
    public static void ReduceGroups<T, TOp>(ArrayView<T> s, Strided outer, Strided inner, int reduced, ArrayView<T> d, Strided dl,
        int outputs, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        var slots = SharedMemory.Allocate<T>(ReduceGroupMax);
        int warp = Warp.WarpIdx, warps = Group.DimX / Warp.WarpSize;
        // o is the same for every thread of a group, so every thread reaches both barriers.
        for (int o = Grid.IdxX; o < outputs; o += Grid.DimX)
        {
            T acc = WarpCombine(Partial(s, outer.At(o), inner, reduced, op), op);
            if (Warp.IsFirstLane) slots[warp] = acc;
            Group.Barrier();
            if (Group.IsFirstThread)
            {
                // A handful of slots (8 for 256 threads in warps of 32): read in order, cheaper than
                // another shuffle tree, and ILGPU's CPU accelerator pays for each shuffle with a barrier.
                T total = slots[0];
                for (int w = 1; w < warps; w++) total = op.Combine(total, slots[w]);
                d[dl.At(o)] = total;
            }
            Group.Barrier();   // the slots are rewritten for the next output
        }
    }

    /// <summary>
    /// The same reduction without warp operations: each thread's strided partial in its own shared
    /// slot, then a tree through shared memory — the upper half of the live slots folds onto the lower
    /// half (rounded up, so any group size works), one barrier per level: log₂ 256 = 8 barriers. As
    /// fixed an order as <see cref="ReduceGroups{T, TOp}"/>, a different one.
    /// </summary>
    public static void ReduceGroupsShared<T, TOp>(ArrayView<T> s, Strided outer, Strided inner, int reduced, ArrayView<T> d, Strided dl,
        int outputs, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        var slots = SharedMemory.Allocate<T>(ReduceGroupMax);
        int t = Group.IdxX;
        for (int o = Grid.IdxX; o < outputs; o += Grid.DimX)
        {
            slots[t] = Partial(s, outer.At(o), inner, reduced, op);
            Group.Barrier();
            for (int live = Group.DimX; live > 1;)   // live is the same for every thread: uniform barriers
            {
                int half = (live + 1) / 2;
                if (t < live - half) slots[t] = op.Combine(slots[t], slots[t + half]);
                Group.Barrier();
                live = half;
            }
            if (t == 0) d[dl.At(o)] = slots[0];
            Group.Barrier();
        }
    }

    // This thread's share of one output: elements Group.IdxX, + Group.DimX, … in order.
    static T Partial<T, TOp>(ArrayView<T> s, int at, Strided inner, int reduced, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        T acc = op.Identity<T>();
        for (int r = Group.IdxX; r < reduced; r += Group.DimX) acc = op.Combine(acc, s[at + inner.At(r)]);
        return acc;
    }

    /// <summary>
    /// Combines the warp's values into lane 0 as a fixed tree: ((v0∘v1)∘(v2∘v3))∘… Step δ = 1, 2, 4, …:
    /// lanes that are multiples of 2δ take the value of lane + δ. Every lane shuffles at every step
    /// (a shuffle needs the whole warp); a lane past the warp's end is never combined, so the tree is
    /// right for any warp size, a power of two or not.
    /// </summary>
    static T WarpCombine<T, TOp>(T v, TOp op) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        int lane = Warp.LaneIdx, width = Warp.WarpSize;
        for (int delta = 1; delta < width; delta <<= 1)
        {
            T other = Warp.ShuffleDown(v, delta);
            if ((lane & (2 * delta - 1)) == 0 && lane + delta < width) v = op.Combine(v, other);
        }
        return v;
    }

    public static void ReduceThreads<T, TOp>(Index1D t, ArrayView<T> s, Strided outer, Strided inner, int reduced, ArrayView<T> d, Strided dl,
        int outputs, int step, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        for (int o = t; o < outputs; o += step)
        {
            int at = outer.At(o);
            T acc = op.Identity<T>();
            for (int r = 0; r < reduced; r++) acc = op.Combine(acc, s[at + inner.At(r)]);
            d[dl.At(o)] = acc;
        }
    }

    // TASK 3.3: outputs i = t, t + step, …: scan len values from sl.At(i) by stride (Op.ArgMaxTakes), counting the index in T
    public static void ArgMax<T>(Index1D t, ArrayView<T> s, Strided sl, int len, int stride, ArrayView<T> d, Strided dl, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = t; i < n; i += step)
        {
            int at = sl.At(i);
            T best = s[at], bestIndex = T.Zero, index = T.Zero;
            for (int k = 1; k < len; k++)
            {
                index += T.One;   // the index counted in T: ILGPU cannot convert int to a generic T
                T v = s[at + k * stride];
                if (Op.ArgMaxTakes(v, best)) { best = v; bestIndex = index; }
            }
            d[dl.At(i)] = bestIndex;
        }
    }
}
