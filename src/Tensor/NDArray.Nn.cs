namespace Scratch.Tensors;

// The image and matrix primitives, one backend call each, with their shape checks. Everything
// composed from them (convolutions, pooling, softmax, upsampling) lives once, on the autograd Tensor
// (src/Autograd/Ops), next to its backward: see docs/backends.md, "Two layers, one op surface".
public sealed partial class NDArray
{
    /// <summary>
    /// Matrix product: [M,K]·[K,N], or batched [...,M,K]·[...,K,N] with the batch dims broadcast.
    /// Transposed operands are just strided views; the backends pack them, so no copy is made.
    /// </summary>
    public NDArray MatMul(NDArray b)
    {
        var a = this;
        CheckSame("matmul", a, b);
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"matmul: {a.ShapeStr} x {b.ShapeStr}: both operands need at least 2 dims");
        int m = a.Shape[^2], k = a.Shape[^1], k2 = b.Shape[^2], n = b.Shape[^1];
        if (k != k2) throw new ArgumentException($"matmul: {a.ShapeStr} x {b.ShapeStr}: inner dimensions {k} and {k2} differ");
        var batch = Tensors.Shape.Broadcast("matmul", a.Shape[..^2], b.Shape[..^2]);
        int bn = Tensors.Shape.Numel(batch);
        var a3 = FlattenBatch(a.Expand([.. batch, m, k]), bn);
        var b3 = FlattenBatch(b.Expand([.. batch, k, n]), bn);
        var c = Empty([bn, m, n], a.DType, a.Device);
        a.Backend.MatMul(a3, b3, c);
        return c.Reshape([.. batch, m, n]);
    }

    /// <summary>Σ over the batch of a[b]·b[b]: [B,M,K]·[B,K,N] → [M,N], in one pass (no [B,M,N] intermediate).</summary>
    public NDArray MatMulSumBatch(NDArray b)
    {
        var a = this;
        CheckSame("matmul", a, b);
        if (a.Rank != 3 || b.Rank != 3 || a.Shape[0] != b.Shape[0] || a.Shape[2] != b.Shape[1])
            throw new ArgumentException($"matmul_sum_batch: {a.ShapeStr} x {b.ShapeStr}: want [B,M,K] and [B,K,N]");
        var c = Empty([1, a.Shape[1], b.Shape[2]], a.DType, a.Device);
        a.Backend.MatMul(a, b, c);
        return c.Reshape(a.Shape[1], b.Shape[2]);
    }

    // Views [..batch, R, C] as [B, R, C] without copying when the batch dims collapse into one stride.
    static NDArray FlattenBatch(NDArray x, int bn)
    {
        var dims = Enumerable.Range(0, x.Rank - 2).Where(i => x.Shape[i] != 1).ToArray();
        bool collapses = true;
        for (int j = 0; j + 1 < dims.Length; j++)
            if (x.Strides[dims[j]] != x.Strides[dims[j + 1]] * x.Shape[dims[j + 1]]) collapses = false;
        if (!collapses) x = x.Contiguous();
        int stride = dims.Length == 0 ? 0 : collapses ? x.Strides[dims[^1]] : x.Shape[^1] * x.Shape[^2];
        return new NDArray(x.Storage, [bn, x.Shape[^2], x.Shape[^1]], [stride, x.Strides[^2], x.Strides[^1]], x.Offset);
    }

    static ConvGeometry Geometry(string op, NDArray x, int kh, int kw, int stride, int padding)
    {
        if (x.Rank != 4) throw new ArgumentException($"{op}: input {x.ShapeStr} must be [N,C,H,W]");
        if (stride <= 0 || padding < 0)
            throw new ArgumentException($"{op}: stride must be positive and padding non-negative (got {stride}, {padding})");
        var g = new ConvGeometry(x.Shape[1], x.Shape[2], x.Shape[3], kh, kw, stride, stride, padding, padding);
        if (g.OH <= 0 || g.OW <= 0)
            throw new ArgumentException($"{op}: kernel {kh}x{kw} does not fit input {x.ShapeStr} with padding {padding}");
        return g;
    }

    /// <summary>Image patches as columns: [N,C,H,W] → [N, C·KH·KW, OH·OW].</summary>
    public NDArray Im2Col(int kh, int kw, int stride, int padding)
    {
        var g = Geometry("im2col", this, kh, kw, stride, padding);
        var x = Contiguous();
        var cols = Empty([Shape[0], g.Rows, g.Cols], DType, Device);
        Backend.Im2Col(x, cols, g);
        return cols;
    }

    /// <summary>The adjoint of Im2Col: [N, C·KH·KW, OH·OW] → [N,C,H,W], overlapping patches summed.</summary>
    public NDArray Col2Im(int c, int h, int w, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, stride, stride, padding, padding);
        if (Rank != 3 || Shape[1] != g.Rows || Shape[2] != g.Cols)
            throw new ArgumentException(
                $"col2im: columns {ShapeStr} do not match image [{c},{h},{w}] with kernel {kh}x{kw}, stride {stride}, padding {padding} " +
                $"(want [N,{g.Rows},{g.Cols}])");
        var x = Empty([Shape[0], c, h, w], DType, Device);
        Backend.Col2Im(Contiguous(), x, g);
        return x;
    }

    /// <summary>Output size of a transposed convolution along one side.</summary>
    public static int ConvTransposeSize(int inSize, int k, int stride, int padding, int outputPadding) =>
        (inSize - 1) * stride - 2 * padding + k + outputPadding;

    /// <summary>Max pooling; indices (0..k·k-1 within each window) are what the backward pass scatters through.</summary>
    public (NDArray Values, NDArray Indices) MaxPool2d(int k, int stride)
    {
        var g = Geometry("max_pool2d", this, k, k, stride, 0);
        int[] shape = [Shape[0], Shape[1], g.OH, g.OW];
        var v = Empty(shape, DType, Device); var i = Empty(shape, DType, Device);
        Backend.MaxPool(Contiguous(), v, i, g);
        return (v, i);
    }

    /// <summary>Each window's element at the given window-local index: max pooling once the indices are known.</summary>
    public NDArray PoolGather(NDArray indices, int k, int stride)
    {
        var g = Geometry("pool_gather", this, k, k, stride, 0);
        var r = Empty(indices.Shape, DType, Device);
        Backend.PoolGather(Contiguous(), indices.Contiguous(), r, g);
        return r;
    }

    /// <summary>Routes each window's gradient to the input element that was its maximum (the adjoint of PoolGather).</summary>
    public static NDArray MaxPool2dScatter(NDArray grad, NDArray indices, int[] inputShape, int k, int stride)
    {
        var dx = Empty(inputShape, grad.DType, grad.Device);
        var g = Geometry("max_pool2d_backward", dx, k, k, stride, 0);
        grad.Backend.PoolScatter(grad.Contiguous(), indices.Contiguous(), dx, g);
        return dx;
    }
}
