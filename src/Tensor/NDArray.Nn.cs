namespace Scratch.Tensors;

// Matrix products and image ops, composed from the MatMul, Im2Col and Col2Im primitives.
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
        if (stride <= 0 || padding < 0) throw new ArgumentException($"{op}: stride must be positive and padding non-negative (got {stride}, {padding})");
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
            throw new ArgumentException($"col2im: columns {ShapeStr} do not match image [{c},{h},{w}] with kernel {kh}x{kw}, stride {stride}, padding {padding} (want [N,{g.Rows},{g.Cols}])");
        var x = Empty([Shape[0], c, h, w], DType, Device);
        Backend.Col2Im(Contiguous(), x, g);
        return x;
    }

    /// <summary>2-D cross-correlation: x [N,C,H,W], w [O,C,KH,KW] → [N,O,OH,OW] (im2col + GEMM).</summary>
    public NDArray Conv2d(NDArray w, int stride = 1, int padding = 0)
    {
        CheckSame("conv2d", this, w);
        if (w.Rank != 4 || Rank != 4 || w.Shape[1] != Shape[1])
            throw new ArgumentException($"conv2d: input {ShapeStr} and weight {w.ShapeStr} do not match (want [N,C,H,W] and [O,C,KH,KW])");
        var cols = Im2Col(w.Shape[2], w.Shape[3], stride, padding);
        var g = Geometry("conv2d", this, w.Shape[2], w.Shape[3], stride, padding);
        var y = w.Reshape(w.Shape[0], -1).MatMul(cols);               // [N, O, OH·OW]
        return y.Reshape(Shape[0], w.Shape[0], g.OH, g.OW);
    }

    /// <summary>Output size of a transposed convolution along one side.</summary>
    public static int ConvTransposeSize(int inSize, int k, int stride, int padding, int outputPadding) =>
        (inSize - 1) * stride - 2 * padding + k + outputPadding;

    /// <summary>Transposed convolution: x [N,Cin,H,W], w [Cin,Cout,KH,KW] → [N,Cout,OH,OW]; GEMM then col2im.</summary>
    public NDArray ConvTranspose2d(NDArray w, int stride = 1, int padding = 0, int outputPadding = 0)
    {
        CheckSame("conv_transpose2d", this, w);
        if (w.Rank != 4 || Rank != 4 || w.Shape[0] != Shape[1])
            throw new ArgumentException($"conv_transpose2d: input {ShapeStr} and weight {w.ShapeStr} do not match (want [N,Cin,H,W] and [Cin,Cout,KH,KW])");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"conv_transpose2d: output_padding {outputPadding} must be in [0, stride={stride})");
        int n = Shape[0], cin = Shape[1], h = Shape[2], wd = Shape[3], cout = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int oh = ConvTransposeSize(h, kh, stride, padding, outputPadding), ow = ConvTransposeSize(wd, kw, stride, padding, outputPadding);
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"conv_transpose2d: input {ShapeStr} with kernel {kh}x{kw} gives an empty output");
        var cols = w.Reshape(cin, cout * kh * kw).Transpose().MatMul(Reshape(n, cin, h * wd));   // [N, Cout·KH·KW, H·W]
        return cols.Col2Im(cout, oh, ow, kh, kw, stride, padding);
    }

    // Pools treat each channel as its own one-channel image, so one im2col serves every channel.
    NDArray PoolColumns(string op, int k, int stride, out ConvGeometry g)
    {
        g = Geometry(op, this, k, k, stride, 0);
        return Reshape(Shape[0] * Shape[1], 1, Shape[2], Shape[3]).Im2Col(k, k, stride, 0);   // [N·C, k·k, L]
    }

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

    public NDArray AvgPool2d(int k, int stride)
    {
        var cols = PoolColumns("avg_pool2d", k, stride, out var g);
        return cols.Mean([1]).Reshape(Shape[0], Shape[1], g.OH, g.OW);
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor: a broadcast view made dense, no kernel of its own.</summary>
    public NDArray UpsampleNearest(int factor)
    {
        if (Rank != 4) throw new ArgumentException($"upsample: input {ShapeStr} must be [N,C,H,W]");
        if (factor <= 0) throw new ArgumentException($"upsample: factor must be positive, got {factor}");
        int n = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        return Reshape(n, c, h, 1, w, 1).Expand(n, c, h, factor, w, factor).Reshape(n, c, h * factor, w * factor);
    }

    /// <summary>The adjoint of UpsampleNearest: sums each factor×factor block.</summary>
    public NDArray UpsampleNearestBackward(int factor)
    {
        int n = Shape[0], c = Shape[1], h = Shape[2] / factor, w = Shape[3] / factor;
        return Reshape(n, c, h, factor, w, factor).Sum([3, 5]);
    }
}
