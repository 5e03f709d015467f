using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace Scratch.Tensors.Ilgpu;

// Reductions, argmax, and the convolution and pooling primitives.
public sealed partial class IlgpuBackend
{
    /// <summary>Reductions at least this long get a thread group each; shorter ones a thread each.</summary>
    public const int GroupReduceMin = 128;

    public void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp
    {
        if (dst.Numel == 0) return;
        if (F32(dst)) ReduceT<float, TOp>(src, dst); else ReduceT<double, TOp>(src, dst);
    }

    void ReduceT<T, TOp>(NDArray s, NDArray d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        // outer: the output positions inside src (every reduced axis pinned at 0), collapsed with dst's own layout.
        var outerPlan = Collapse.Of(d.Shape, new[] { s.Strides, d.Strides });
        // inner: the reduced positions of one output (kept axes have size 1 here), collapsed.
        var innerShape = s.Shape.Select((n, i) => d.Shape[i] == 1 ? n : 1).ToArray();
        var innerPlan = Collapse.Of(innerShape, [s.Strides]);
        Strided outer = Collapse.Layout(outerPlan, 0, s.Offset), dl = Collapse.Layout(outerPlan, 1, d.Offset), inner = Collapse.Layout(innerPlan, 0, 0);
        int reduced = Shape.Numel(innerShape), outputs = d.Numel;
        if (reduced >= GroupReduceMin)
        {
            Launches++;
            var cfg = new KernelConfig(Math.Min(outputs, _maxGroups), _groupSize);
            Kernel("reduce_groups", typeof(T), typeof(TOp), () => _acc.LoadStreamKernel<ArrayView<T>, Strided, Strided, int, ArrayView<T>, Strided, int, TOp>(Kernels.ReduceGroups<T, TOp>))
                (cfg, V<T>(s), outer, inner, reduced, V<T>(d), dl, outputs, default);
        }
        else
        {
            int l = Threads(outputs);
            Kernel("reduce_threads", typeof(T), typeof(TOp), () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, Strided, int, ArrayView<T>, Strided, int, int, TOp>(Kernels.ReduceThreads<T, TOp>))
                (l, V<T>(s), outer, inner, reduced, V<T>(d), dl, outputs, l, default);
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
        Kernel("argmax", typeof(T), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, Strided, int, int, ArrayView<T>, Strided, int, int>(Kernels.ArgMax))
            (l, V<T>(s), Strided.Of(d.Shape, s.Strides, s.Offset), s.Shape[axis], s.Strides[axis], V<T>(d), Strided.Of(d), n, l);
    }

    // ---------------- convolution and pooling ----------------

    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = cols.Numel, l = Threads(n);
        if (F32(x)) Kernel("im2col", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Im2Col))(l, V<float>(x), V<float>(cols), args, n, l);
        else Kernel("im2col", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Im2Col))(l, V<double>(x), V<double>(cols), args, n, l);
    }

    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = x.Numel, l = Threads(n);
        if (F32(x)) Kernel("col2im", typeof(float), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Col2Im))(l, V<float>(cols), V<float>(x), args, n, l);
        else Kernel("col2im", typeof(double), null, () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Col2Im))(l, V<double>(cols), V<double>(x), args, n, l);
    }

    // b is the (contiguous) indices array, addressed from its offset.
    void PoolKernel(string name, NDArray a, NDArray b, NDArray c, ConvGeometry g, int aOffset, int cOffset, int total)
    {
        var args = ConvArgs.Of(g, 0, aOffset, cOffset, b.Offset);
        int l = Threads(total);
        if (F32(a)) Kernel(name, typeof(float), null, () => LoadPool<float>(name))(l, V<float>(a), V<float>(b), V<float>(c), args, total, l);
        else Kernel(name, typeof(double), null, () => LoadPool<double>(name))(l, V<double>(a), V<double>(b), V<double>(c), args, total, l);
    }

    Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int> LoadPool<T>(string name) where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "maxpool" => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.MaxPool),
        "pool_gather" => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolGather),
        _ => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolScatter),
    };

    // Pool kernels address x and values through ConvArgs offsets (Xo, Co) and the indices through Io.
    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) =>
        PoolKernel("maxpool", x, values, indices, g, x.Offset, values.Offset, values.Numel);

    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) =>
        PoolKernel("pool_gather", x, indices, dst, g, x.Offset, dst.Offset, dst.Numel);

    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) =>
        PoolKernel("pool_scatter", src, indices, dx, g, dx.Offset, src.Offset, dx.Numel);
}
