using System.Numerics;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Reductions over any set of axes in one launch. <c>outer</c> walks the output elements inside the
/// source (reduced axes pinned at 0) and <c>inner</c> walks the reduced elements of one output (all
/// reduced axes at once, offset 0). Two shapes of work:
/// - <see cref="ReduceGroups{T, TOp}"/>: one thread group per output; its threads stride over the
///   reduced elements, then combine their partial results with ILGPU.Algorithms' group reduction
///   (warp shuffles, then shared memory). For the long reductions of a training step — a bias
///   gradient or BatchNorm statistic sums 25,000 values per channel, for only 32–64 channels.
/// - <see cref="ReduceThreads{T, TOp}"/>: one thread per output, for many short reductions (softmax
///   over 10 classes, a row of a small matrix), where a group per output would sit mostly idle.
/// </summary>
internal static partial class Kernels
{
    public static void ReduceGroups<T, TOp>(ArrayView<T> s, Strided outer, Strided inner, int reduced, ArrayView<T> d, Strided dl, int outputs, TOp op)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        // o is the same for every thread of a group, so the barrier below is reached uniformly.
        for (int o = Grid.IdxX; o < outputs; o += Grid.DimX)
        {
            int at = outer.At(o);
            T acc = op.Identity<T>();
            for (int r = Group.IdxX; r < reduced; r += Group.DimX) acc = op.Combine(acc, s[at + inner.At(r)]);
            acc = GroupExtensions.Reduce<T, ReduceWith<T, TOp>>(acc);
            if (Group.IsFirstThread) d[dl.At(o)] = acc;
            Group.Barrier();
        }
    }

    public static void ReduceThreads<T, TOp>(Index1D t, ArrayView<T> s, Strided outer, Strided inner, int reduced, ArrayView<T> d, Strided dl, int outputs, int step, TOp op)
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
                if (v > best) { best = v; bestIndex = index; }
            }
            d[dl.At(i)] = bestIndex;
        }
    }
}

/// <summary>Adapts one of our reduction functors to the operation interface ILGPU.Algorithms' group and warp reductions take.</summary>
public struct ReduceWith<T, TOp> : IScanReduceOperation<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
{
    /// <summary>The OpenCL work-group built-in's name ("add", "max").</summary>
    public readonly string CLCommand => default(TOp).CLName;
    public readonly T Identity => default(TOp).Identity<T>();
    public readonly T Apply(T first, T second) => default(TOp).Combine(first, second);
    /// <summary>Only the scan/reduce-to-memory algorithms call this; group reductions do not.</summary>
    public readonly void AtomicApply(ref T target, T value) => target = Apply(target, value);
}
