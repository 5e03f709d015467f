using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace Scratch.Tensors.Ilgpu;

// Reductions and argmax (convolution and pooling: IlgpuBackend.Conv.cs).
public sealed partial class IlgpuBackend
{
    /// <summary>Reductions at least this long get a thread group each; shorter ones a thread each.</summary>
    public const int GroupReduceMin = 128;

    /// <summary>
    /// Whether group reductions combine through warp shuffles (<see cref="Kernels.ReduceGroups{T, TOp}"/>)
    /// or through shared memory alone (<see cref="Kernels.ReduceGroupsShared{T, TOp}"/>): ILGPU 1.5.3
    /// writes shuffles for CUDA, its CPU accelerator and Intel's OpenCL, and fails to compile them for
    /// any other OpenCL vendor (pocl, AMD, NVIDIA's OpenCL).
    /// </summary>
    public bool ReduceByShuffle => (_acc is not CLAccelerator cl || cl.Vendor == CLDeviceVendor.Intel) && _acc.WarpSize <= _groupSize;

    /// <summary>
    /// Threads in each group of a group reduction. Never more than <see cref="Kernels.ReduceGroupMax"/>:
    /// both group kernels keep one shared slot per thread (or per warp) in an array of that many, and
    /// a thread past its end writes outside the group's shared memory. pocl reports its whole 4,096-item
    /// work-group as one "warp": a group of a whole warp there wrote 3,840 slots past the array, into
    /// pocl's heap, and the test host died later in malloc. A multiple of the warp where a warp fits
    /// (the shuffle combine needs whole warps); where it does not, shuffles are off (<see cref="ReduceByShuffle"/>).
    /// A CPU accelerator that is not GPU-shaped gets one warp: it pays per thread and per barrier.
    /// </summary>
    internal static int ReduceGroupFor(int warpSize, int maxThreadsPerGroup, bool gpuShaped)
    {
        int warp = Math.Max(1, warpSize);
        int group = Math.Min(Math.Min(gpuShaped ? Kernels.ReduceGroupMax : warp, Kernels.ReduceGroupMax), Math.Max(1, maxThreadsPerGroup));
        return warp <= group ? group / warp * warp : group;
    }

    public void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp => ReduceBy<TOp>(ReduceByShuffle, src, dst);

    /// <summary>A reduction with the group combine chosen (tests run both on one accelerator).</summary>
    internal void ReduceBy<TOp>(bool shuffle, NDArray src, NDArray dst) where TOp : struct, IReduceOp
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) ReduceT<float, TOp>(src, dst, shuffle); else ReduceT<double, TOp>(src, dst, shuffle);
    }

    void ReduceT<T, TOp>(NDArray s, NDArray d, bool shuffle) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        // outer: the output positions inside src (every reduced axis pinned at 0), collapsed with dst's own layout.
        var outerPlan = Collapse.Of(d.Shape, new[] { s.Strides, d.Strides });
        // inner: the reduced positions of one output (kept axes have size 1 here), collapsed.
        var innerShape = s.Shape.Select((n, i) => d.Shape[i] == 1 ? n : 1).ToArray();
        var innerPlan = Collapse.Of(innerShape, [s.Strides]);
        Strided outer = Collapse.Layout(outerPlan, 0, s.Offset), dl = Collapse.Layout(outerPlan, 1, d.Offset),
            inner = Collapse.Layout(innerPlan, 0, 0);
        int reduced = Shape.Numel(innerShape), outputs = d.Numel;
        if (reduced >= GroupReduceMin)
        {
            var cfg = new KernelConfig(Math.Min(outputs, _maxGroups), _groupSize);
            Launch(() =>
            {
                var kernel = shuffle
                    ? Kernel("reduce_groups", typeof(T), typeof(TOp),
                        () => _acc.LoadStreamKernel<ArrayView<T>, Strided, Strided, int, ArrayView<T>, Strided, int, TOp>(
                            Kernels.ReduceGroups<T, TOp>))
                    : Kernel("reduce_groups_shared", typeof(T), typeof(TOp),
                        () => _acc.LoadStreamKernel<ArrayView<T>, Strided, Strided, int, ArrayView<T>, Strided, int, TOp>(
                            Kernels.ReduceGroupsShared<T, TOp>));
                kernel(cfg, V<T>(s), outer, inner, reduced, V<T>(d), dl, outputs, default);
            });
        }
        else
        {
            int l = Threads(outputs);
            Launch(() => Kernel("reduce_threads", typeof(T), typeof(TOp),
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, Strided, int, ArrayView<T>, Strided, int, int, TOp>(
                        Kernels.ReduceThreads<T, TOp>))
                (l, V<T>(s), outer, inner, reduced, V<T>(d), dl, outputs, l, default));
        }
    }

    public void ArgMax(NDArray src, NDArray dst, int axis)
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) ArgMaxT<float>(src, dst, axis); else ArgMaxT<double>(src, dst, axis);
    }

    void ArgMaxT<T>(NDArray s, NDArray d, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = d.Numel, l = Threads(n);
        Launch(() => Kernel("argmax", typeof(T), null,
                () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, ArrayView<T>, Strided, int, int>(Kernels.ArgMax))
            (l, V<T>(s), Strided.Of(d.Shape, s.Strides, s.Offset), s.Shape[axis], s.Strides[axis], V<T>(d), Strided.Of(d), n, l));
    }
}
