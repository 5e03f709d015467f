using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace Scratch.Tensors.Ilgpu;

// The convolution primitives (im2col and its adjoint) and the pooling primitives (ConvKernels.cs).
public sealed partial class IlgpuBackend
{
    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = cols.Numel, l = Threads(n);
        if (F32(x))
            Launch(() => Kernel("im2col", typeof(float), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Im2Col))
                (l, V<float>(x), V<float>(cols), args, n, l));
        else
            Launch(() => Kernel("im2col", typeof(double), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Im2Col))
                (l, V<double>(x), V<double>(cols), args, n, l));
    }

    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g)
    {
        var args = ConvArgs.Of(g, x.Shape[0], x.Offset, cols.Offset);
        int n = x.Numel, l = Threads(n);
        if (F32(x))
            Launch(() => Kernel("col2im", typeof(float), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(Kernels.Col2Im))
                (l, V<float>(cols), V<float>(x), args, n, l));
        else
            Launch(() => Kernel("col2im", typeof(double), null,
                    () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ConvArgs, int, int>(Kernels.Col2Im))
                (l, V<double>(cols), V<double>(x), args, n, l));
    }

    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) =>
        Pool(PoolKernel.Max, image: x, window: values, indices: indices, g, threads: values.Numel);

    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) =>
        Pool(PoolKernel.Gather, image: x, window: dst, indices: indices, g, threads: dst.Numel);

    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) =>
        Pool(PoolKernel.Scatter, image: dx, window: src, indices: indices, g, threads: dx.Numel);

    enum PoolKernel { Max, Gather, Scatter }

    // Every pool kernel takes the same three arrays in the same order: one in image space ([N,C,H,W]:
    // the input x, or the gradient dx; offset Xo), one in window space ([N,C,OH,OW]: the maxima, the
    // gathered values, or the gradient to scatter; offset Co), and the window indices (offset Io).
    void Pool(PoolKernel kind, NDArray image, NDArray window, NDArray indices, ConvGeometry g, int threads)
    {
        var args = ConvArgs.Of(g, 0, xo: image.Offset, co: window.Offset, io: indices.Offset);
        var name = "pool_" + kind.ToString().ToLowerInvariant();
        int l = Threads(threads);
        if (F32(image)) Launch(() => Kernel(name, typeof(float), null, () => LoadPool<float>(kind))
            (l, V<float>(image), V<float>(window), V<float>(indices), args, threads, l));
        else Launch(() => Kernel(name, typeof(double), null, () => LoadPool<double>(kind))
            (l, V<double>(image), V<double>(window), V<double>(indices), args, threads, l));
    }

    Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int> LoadPool<T>(PoolKernel kind)
        where T : unmanaged, IFloatingPointIeee754<T> => kind switch
    {
        PoolKernel.Max => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.MaxPool),
        PoolKernel.Gather =>
            _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolGather),
        PoolKernel.Scatter =>
            _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs, int, int>(Kernels.PoolScatter),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
