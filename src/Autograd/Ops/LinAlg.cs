using Scratch.Tensors;

namespace Scratch.Autograd;

// Matrix products and image ops. Each backward is written with these same differentiable ops, so
// second derivatives (double backward) come for free.
public sealed partial class Tensor
{
    /// <summary>C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC (summed over broadcast batch dims).</summary>
    public Tensor MatMul(Tensor b)
    {
        var a = this;
        return Function("matmul", a.Data.MatMul(b.Data), [a, b],
            // TASK 2.4: matmul's backward: dA = g·Bᵀ, dB = Aᵀ·g, each summed back to its input's shape (SumTo) where it was broadcast
            (g, _, needs) => [
            needs[0] ? (a.Rank == 2 && g.Rank == 3 ? g.MatMulSumBatch(b.Transpose()) : g.MatMul(b.Transpose()).SumTo(a.Shape)) : null,
            needs[1] ? (b.Rank == 2 && g.Rank == 3 ? a.Transpose().MatMulSumBatch(g) : a.Transpose().MatMul(g).SumTo(b.Shape)) : null]);
    }

    /// <summary>
    /// Σ_b x[b]·y[b] for [B,M,K]·[B,K,N] (either side may be a broadcast 2-D matrix): the gradient of a
    /// weight shared by a batch, as one deep product instead of B products and a sum.
    /// </summary>
    public Tensor MatMulSumBatch(Tensor y)
    {
        var x = this;
        int bn = Math.Max(x.Rank == 3 ? x.Shape[0] : 1, y.Rank == 3 ? y.Shape[0] : 1);
        var xd = x.Rank == 3 ? x.Data : x.Data.Unsqueeze(0).Expand(bn, x.Shape[0], x.Shape[1]);
        var yd = y.Rank == 3 ? y.Data : y.Data.Unsqueeze(0).Expand(bn, y.Shape[0], y.Shape[1]);
        return Function("matmul_sum_batch", xd.MatMulSumBatch(yd), [x, y], (g, _, needs) =>
        {
            Tensor Shape3(Tensor t, Tensor like) => like.Rank == 3
                ? (t.Rank == 3 ? t : t.Unsqueeze(0).Expand(like.Shape))
                : (t.Rank == 3 ? t.Sum([0]) : t * bn);
            return [
                needs[0] ? Shape3(g.MatMul(y.Transpose()), x) : null,
                needs[1] ? Shape3(x.Transpose().MatMul(g), y) : null];
        });
    }

    /// <summary>
    /// y = x·Wᵀ + b for W [out, in] (PyTorch's F.linear). One op rather than a transpose and a matmul
    /// so that dW = gᵀ·x comes out directly in W's layout, with no transposed copy.
    /// </summary>
    public Tensor Linear(Tensor w, Tensor? bias = null)
    {
        var x = this;
        if (w.Rank != 2 || x.Shape[^1] != w.Shape[1])
            throw new ArgumentException($"linear: input {x.ShapeStr} and weight {w.ShapeStr} do not match (want [..., in] and [out, in])");
        var y = PlusBias(x.Data.MatMul(w.Data.Transpose()), bias, bias?.Shape);
        int inF = w.Shape[1], outF = w.Shape[0];
        Tensor?[] Backward(Tensor g, Tensor _, bool[] needs) => [
            needs[0] ? g.MatMul(w) : null,
            needs[1] ? g.Reshape(-1, outF).Transpose().MatMul(x.Reshape(-1, inF)) : null,
            bias != null && needs[2] ? g.SumTo(bias.Shape) : null];
        return Function("linear", y, bias == null ? [x, w] : [x, w, bias], Backward);
    }

    // product + bias (broadcast as biasShape). The sum replaces the product, which no backward reads
    // (the gradient of a sum needs only shapes), so the product's buffer ends here.
    static NDArray PlusBias(NDArray product, Tensor? bias, int[]? biasShape)
    {
        if (bias == null) return product;
        using (product) return product + bias.Data.Reshape(biasShape!);
    }

    /// <summary>[N,C,H,W] → patches [N, C·K·K, L]; the backward is Col2Im.</summary>
    public Tensor Im2Col(int kh, int kw, int stride, int padding)
    {
        int c = Shape[1], h = Shape[2], w = Shape[3];
        return Function("im2col", Data.Im2Col(kh, kw, stride, padding), [this], g => [g.Col2Im(c, h, w, kh, kw, stride, padding)]);
    }

    /// <summary>The adjoint of Im2Col (sums overlapping patches); its backward is Im2Col.</summary>
    public Tensor Col2Im(int c, int h, int w, int kh, int kw, int stride, int padding) =>
        Function("col2im", Data.Col2Im(c, h, w, kh, kw, stride, padding), [this], g => [g.Im2Col(kh, kw, stride, padding)]);

    // The two convolutions are written alike: one op each, whose forward multiplies the weight with
    // patch columns that end with the forward, and whose backward is written with differentiable ops.
    // They are each other's adjoint: conv2d's input gradient is a transposed convolution of g with the
    // same weight, and conv_transpose2d's is a convolution of g (written out as W·im2col(g), as its
    // weight gradient reads the same patches). Every derivative is made of differentiable ops, so
    // double backward (WGAN-GP) needs nothing more. The weight gradient is g against the patches of
    // the other side: those of x for conv2d, those of g for the transposed one.
    // The columns are about k²/s² times the image (4× for the GANs' 4×4, stride-2 layers), which is
    // why no backward keeps them: it forms them again from what the graph holds anyway (x, or g), as
    // PyTorch keeps x, not the columns.

    /// <summary>2-D convolution (cross-correlation): x [N,C,H,W], w [O,C,KH,KW], optional bias [O] → [N,O,OH,OW].</summary>
    public Tensor Conv2d(Tensor w, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        if (w.Rank != 4 || Rank != 4 || w.Shape[1] != Shape[1])
            throw new ArgumentException($"conv2d: input {ShapeStr} and weight {w.ShapeStr} do not match (want [N,C,H,W] and [O,C,KH,KW])");
        var x = this;
        int n = Shape[0], h = Shape[2], wd = Shape[3], o = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        int oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1;
        NDArray product;
        using (var cols = x.Data.Im2Col(kh, kw, stride, padding))                       // [N, C·KH·KW, OH·OW]
            product = w.Data.Reshape(o, -1).MatMul(cols).Reshape(n, o, oh, ow);
        var y = PlusBias(product, bias, [1, o, 1, 1]);
        return Function("conv2d", y, bias == null ? [x, w] : [x, w, bias],
            // TASK 4.3: conv2d's backward: dx = g transposed-convolved with w (TransposedConv, to x's size); dW = g·im2col(x)ᵀ; db = Σg
            (g, _, needs) => [
            needs[0] ? g.TransposedConv(w, null, stride, padding, h, wd) : null,
            needs[1] ? g.Reshape(n, o, oh * ow).MatMulSumBatch(x.Im2Col(kh, kw, stride, padding).Transpose()).Reshape(w.Shape) : null,
            bias != null && needs[2] ? g.Sum([0, 2, 3]) : null]);
    }

    /// <summary>Transposed convolution: x [N,Cin,H,W], w [Cin,Cout,KH,KW] → [N,Cout,OH,OW], optional bias [Cout].</summary>
    public Tensor ConvTranspose2d(Tensor w, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
    {
        if (w.Rank != 4 || Rank != 4 || w.Shape[0] != Shape[1])
            throw new ArgumentException(
                $"conv_transpose2d: input {ShapeStr} and weight {w.ShapeStr} do not match (want [N,Cin,H,W] and [Cin,Cout,KH,KW])");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentException($"conv_transpose2d: output_padding {outputPadding} must be in [0, stride={stride})");
        int kh = w.Shape[2], kw = w.Shape[3];
        int oh = NDArray.ConvTransposeSize(Shape[2], kh, stride, padding, outputPadding),
            ow = NDArray.ConvTransposeSize(Shape[3], kw, stride, padding, outputPadding);
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"conv_transpose2d: input {ShapeStr} with kernel {kh}x{kw} gives an empty output");
        return TransposedConv(w, bias, stride, padding, oh, ow);
    }

    // The transposed convolution with its output size given (PyTorch's output_size): conv2d's input
    // gradient needs exactly the input's size, which a stride that does not divide it leaves open.
    Tensor TransposedConv(Tensor w, Tensor? bias, int stride, int padding, int oh, int ow)
    {
        var x = this;
        int n = Shape[0], cin = Shape[1], hw = Shape[2] * Shape[3], cout = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        NDArray product;
        using (var cols = w.Data.Reshape(cin, cout * kh * kw).Transpose().MatMul(x.Data.Reshape(n, cin, hw)))   // [N, Cout·KH·KW, H·W]
            product = cols.Col2Im(cout, oh, ow, kh, kw, stride, padding);
        var y = PlusBias(product, bias, [1, cout, 1, 1]);
        return Function("conv_transpose2d", y, bias == null ? [x, w] : [x, w, bias], (g, _, needs) =>
        {
            // dx = conv2d(g, W) = W·im2col(g), written out so that dW reads the same patches of g.
            var gcols = needs[0] || needs[1] ? g.Im2Col(kh, kw, stride, padding) : null;    // [N, Cout·KH·KW, H·W]
            return [
                needs[0] ? w.Reshape(cin, -1).MatMul(gcols!).Reshape(x.Shape) : null,
                needs[1] ? x.Reshape(n, cin, hw).MatMulSumBatch(gcols!.Transpose()).Reshape(w.Shape) : null,
                bias != null && needs[2] ? g.Sum([0, 2, 3]) : null];
        });
    }

    /// <summary>
    /// Max pooling. The forward picks each window's argmax (a constant index map); the result is then
    /// a linear function of x — "gather at these indices" — whose adjoint is "scatter to them".
    /// </summary>
    public Tensor MaxPool2d(int k, int stride = -1)
    {
        if (stride < 0) stride = k;
        var (values, idx) = Data.MaxPool2d(k, stride);
        var inShape = Shape;
        return Function("max_pool2d", values, [this], g => [g.PoolScatter(idx, inShape, k, stride)], saved: [idx]);
    }

    // The same gather at indices found before: max-pool's backward of its backward.
    Tensor PoolGather(NDArray idx, int k, int stride)
    {
        var inShape = Shape;
        return Function("max_pool2d", Data.PoolGather(idx, k, stride), [this], g => [g.PoolScatter(idx, inShape, k, stride)]);
    }

    Tensor PoolScatter(NDArray idx, int[] inShape, int k, int stride) =>
        Function("max_pool2d_backward", NDArray.MaxPool2dScatter(Data, idx, inShape, k, stride), [this],
            g => [g.PoolGather(idx, k, stride)]);

    /// <summary>Average pooling: the mean of each window's patch column.</summary>
    public Tensor AvgPool2d(int k, int stride = -1)
    {
        if (stride < 0) stride = k;
        int n = Shape[0], c = Shape[1];
        int oh = (Shape[2] - k) / stride + 1, ow = (Shape[3] - k) / stride + 1;
        return Reshape(n * c, 1, Shape[2], Shape[3]).Im2Col(k, k, stride, 0).Mean([1]).Reshape(n, c, oh, ow);
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor: a broadcast, so its gradient is a block sum.</summary>
    public Tensor UpsampleNearest(int factor)
    {
        if (Rank != 4) throw new ArgumentException($"upsample: input {ShapeStr} must be [N,C,H,W]");
        int n = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        return Reshape(n, c, h, 1, w, 1).Expand(n, c, h, factor, w, factor).Reshape(n, c, h * factor, w * factor);
    }

    /// <summary>Labels → one-hot rows (a constant).</summary>
    public Tensor OneHot(int classes) => Const(Data.OneHot(classes));

    /// <summary>out[…, i] = x[…, index[…, i]] along the last axis; the gradient scatters back.</summary>
    public Tensor Gather(Tensor index)
    {
        if (index.Rank != Rank) throw new ArgumentException($"gather: index {index.ShapeStr} must have the rank of {ShapeStr}");
        var hot = Const(index.Data.OneHot(Shape[^1]));      // [..., k, C]
        return (hot * Unsqueeze(-2)).Sum([-1]);
    }
}
