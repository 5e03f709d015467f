#:project ../src/Layers/Scratch.Layers.csproj
// Lesson 10 — convolution and batch norm, the two layers a DCGAN adds to the MLP of lesson 4.
// Run: dotnet run -c Release examples/10-conv-and-batchnorm.cs
//
// A convolution slides one small weight over the image; im2col copies every window into a column,
// so the whole layer becomes one matrix product, W [O, C·K·K] · cols [C·K·K, OH·OW]. Its input gradient
// is the transposed convolution of g with the same W: each output spreads its gradient back over the
// window it read. Batch norm makes each channel of a batch mean 0, variance 1, then scales it by γ and
// shifts it by β; its input gradient removes the parts of g that the normalisation cannot pass on.
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

const DType F64 = DType.Float64;

// ---- 1. a vertical edge, found by a 3×3 horizontal-difference kernel ----
var image = new double[36];
for (int i = 0; i < 6; i++) for (int j = 3; j < 6; j++) image[i * 6 + j] = 1;   // left half 0, right half 1
var x = Tensor.From(image, [1, 1, 6, 6], F64);
var kernel = Tensor.From([-1.0, 0, 1, -1, 0, 1, -1, 0, 1], [1, 1, 3, 3], F64);
var y = x.Conv2d(kernel);
Console.WriteLine($"conv2d of a 6×6 edge with a 3×3 kernel: {Shape.Str(y.Shape)}");
var out2d = y.ToDoubles();
for (int r = 0; r < 4; r++) Console.WriteLine("  " + string.Join(" ", out2d.Skip(r * 4).Take(4).Select(v => $"{v,3}")));
// The definition, written out: y[oh, ow] = Σ_ij w[i, j]·x[oh + i, ow + j].
var direct = new double[16];
for (int oh = 0; oh < 4; oh++) for (int ow = 0; ow < 4; ow++)
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) direct[oh * 4 + ow] += kernel.ToDoubles()[i * 3 + j] * image[(oh + i) * 6 + ow + j];
Claim(direct.SequenceEqual(out2d), "conv2d equals Σ w[i,j]·x[oh+i, ow+j], the sliding window written as loops");
Claim(out2d.Select((v, k) => (v, col: k % 4)).All(p => p.v == (p.col is 1 or 2 ? 3 : 0)),
    "only the windows that straddle the edge respond (3 = three rows of 0 → 1)");

// ---- 2. im2col: every window a column, the layer one matrix product ----
var cols = x.Data.Im2Col(3, 3, 1, 0);
Console.WriteLine($"im2col: {Shape.Str(x.Shape)} → {Shape.Str(cols.Shape)} (C·K·K = 9 rows, one column per output position)");
var product = kernel.Data.Reshape(1, 9).MatMul(cols.Reshape(9, 16)).ToDoubles();
Claim(product.SequenceEqual(out2d), "W [1, 9] · cols [9, 16] is the same 16 numbers");

// ---- 3. the sizes a DCGAN's discriminator uses: k 4, stride 2, padding 1 halves the image ----
var g = new RandomStream(7);
var d1 = new Conv2d(1, 8, kernel: 4, stride: 2, padding: 1, dtype: F64, g: g);
var d2 = new Conv2d(8, 16, kernel: 4, stride: 2, padding: 1, dtype: F64, g: g);
var digits = new Tensor(NDArray.Uniform([2, 1, 28, 28], -1, 1, F64, g: g));
var h1 = d1.Call(digits); var h2 = d2.Call(h1);
Console.WriteLine($"k 4, s 2, p 1: {Shape.Str(digits.Shape)} → {Shape.Str(h1.Shape)} → {Shape.Str(h2.Shape)}   ((H + 2p − k)/s + 1)");
Claim(h1.Shape[2] == 14 && h2.Shape[2] == 7, "28 → 14 → 7: each layer halves the side");

// ---- 4. conv2d's input gradient is a transposed convolution of g with the same weight ----
var xs = new Tensor(NDArray.Uniform([1, 2, 6, 6], -1, 1, F64, g: g), requiresGrad: true);
var w = new Tensor(NDArray.Uniform([3, 2, 4, 4], -1, 1, F64, g: g), requiresGrad: true);
var up = new Tensor(NDArray.Uniform([1, 3, 3, 3], -1, 1, F64, g: g));   // an upstream gradient for the [1, 3, 3, 3] output
(xs.Conv2d(w, stride: 2, padding: 1) * up).Sum().Backward();
var transposed = up.ConvTranspose2d(w, stride: 2, padding: 1);
Console.WriteLine($"x.grad {Shape.Str(xs.Grad!.Shape)}; conv_transpose2d(g, W) {Shape.Str(transposed.Shape)}");
Claim(MaxDiff(xs.Grad.ToDoubles(), transposed.ToDoubles()) < 1e-12,
    "x.grad = conv_transpose2d(g, W): the backward of a conv is the layer a generator upsamples with");
var check = GradCheck.Run(t => t[0].Conv2d(t[1], stride: 2, padding: 1),
    [new Tensor(xs.Data, requiresGrad: true), new Tensor(w.Data, requiresGrad: true)]);
Claim(check.Ok, $"GradCheck of conv2d (x and W, stride 2, padding 1): {check}");

// ---- 5. batch norm: each channel of the batch to mean 0, variance 1 ----
double[] means = [5, -2, 0.5], stds = [3, 0.5, 1];
var raw = NDArray.Normal([8, 3, 5, 5], 0, 1, F64, g: g).ToDoubles();
for (int k = 0; k < raw.Length; k++) { int c = k / 25 % 3; raw[k] = means[c] + stds[c] * raw[k]; }
var bn = new BatchNorm2d(3, dtype: F64);
var batch = Tensor.From(raw, [8, 3, 5, 5], F64, requiresGrad: true);
var normed = bn.Call(batch);
var (inMean, inVar) = ChannelStats(raw);
var (outMean, outVar) = ChannelStats(normed.ToDoubles());
for (int c = 0; c < 3; c++)
    Console.WriteLine($"  channel {c}: in mean {inMean[c],7:F3}, var {inVar[c],6:F3}  →  out mean {outMean[c],9:E1}, var {outVar[c]:F6}");
Claim(outMean.All(m => Math.Abs(m) < 1e-12) && outVar.All(v => Math.Abs(v - 1) < 1e-4),
    "every channel comes out with mean 0 and variance 1 (ε = 1e-5 keeps it just under 1)");
var running = bn.RunningMean.ToDoubles();
Claim(Enumerable.Range(0, 3).All(c => Math.Abs(running[c] - 0.1 * inMean[c]) < 1e-12),
    $"running mean moved 10% (momentum 0.1) toward the batch's: {string.Join(", ", running.Select(v => v.ToString("F3")))}");

// ---- 6. its backward: what the normalisation cannot pass on is removed from g ----
// Adding a constant to a channel leaves x̂ unchanged, so the loss cannot change: Σ dx over a channel is 0.
// Scaling a channel leaves x̂ unchanged too, but for ε in σ = √(var + ε): Σ dx·x̂ is 0 up to ε's share.
var upstream = new Tensor(NDArray.Uniform([8, 3, 5, 5], -1, 1, F64, g: g));
(normed * upstream).Sum().Backward();
var dx = batch.Grad!.ToDoubles();
var xhat = normed.ToDoubles();   // γ = 1, β = 0 at the start, so y is x̂
double[] sums = new double[3], scaled = new double[3], size = new double[3];
for (int k = 0; k < dx.Length; k++) { int c = k / 25 % 3; sums[c] += dx[k]; scaled[c] += dx[k] * xhat[k]; size[c] += Math.Abs(dx[k] * xhat[k]); }
static string Row(double[] v) => string.Join(", ", v.Select(e => e.ToString("E1")));
Console.WriteLine($"per channel, Σ dx = {Row(sums)};  Σ dx·x̂ = {Row(scaled)}");
Claim(sums.All(v => Math.Abs(v) < 1e-12), "Σ dx = 0 in every channel: shifting a channel cannot change the loss");
Claim(Enumerable.Range(0, 3).All(c => Math.Abs(scaled[c]) < 1e-3 * size[c]),
    "Σ dx·x̂ ≈ 0 (under 0.1% of Σ|dx·x̂|): scaling a channel changes the loss only through ε");
var bnCheck = GradCheck.Run(t => t[0].BatchNorm(t[1], t[2], NDArray.Zeros([3], F64), NDArray.Ones([3], F64), 0.1, 1e-5),
    [new Tensor(NDArray.Uniform([4, 3, 2, 2], -2, 2, F64, g: g), requiresGrad: true),
     new Tensor(NDArray.Uniform([3], 0.5, 1.5, F64, g: g), requiresGrad: true), new Tensor(NDArray.Zeros([3], F64), requiresGrad: true)]);
Claim(bnCheck.Ok, $"GradCheck of batch norm (x, γ, β): {bnCheck}");

// ---- 7. eval mode normalises with the running estimates instead: one sample no longer depends on the rest of its batch ----
bn.Eval();
var alone = bn.Call(Tensor.From(raw[..75], [1, 3, 5, 5], F64)).ToDoubles();
var inBatch = bn.Call(Tensor.From(raw, [8, 3, 5, 5], F64)).ToDoubles()[..75];
Claim(alone.SequenceEqual(inBatch), "in eval mode a sample's output is the same alone or in a batch");
Console.WriteLine("lesson 10: all claims hold");

static (double[] Mean, double[] Var) ChannelStats(double[] v)
{
    double[] mean = new double[3], var = new double[3];
    for (int k = 0; k < v.Length; k++) mean[k / 25 % 3] += v[k] / (v.Length / 3);
    for (int k = 0; k < v.Length; k++) var[k / 25 % 3] += Math.Pow(v[k] - mean[k / 25 % 3], 2) / (v.Length / 3);
    return (mean, var);
}
static double MaxDiff(double[] p, double[] q) => p.Zip(q, (u, v) => Math.Abs(u - v)).Max();
static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
