#:project ../src/Autograd/Scratch.Autograd.csproj
// Lesson 12 — WGAN-GP's gradient penalty by double backward (module 6).
// Run: dotnet run -c Release examples/12-gradient-penalty.cs
//
// A Wasserstein critic must be 1-Lipschitz. WGAN clips every weight into [−c, c]; WGAN-GP instead adds
// λ·mean((‖∇ₓD(x̂)‖ − 1)²) at points x̂ between real and fake samples. That term contains a gradient,
// so training it needs the gradient of a gradient: the first backward (Engine.Grad with createGraph)
// records its own ops as a graph, and the second backward runs through that graph to the weights.
using Scratch.Autograd;
using Scratch.Tensors;

const DType F64 = DType.Float64;

// ---- 1. a linear critic D(x) = w·x: ∇ₓD = w everywhere, so its penalty is (‖w‖ − 1)² ----
var w = Tensor.From([0.6, 2.4], [2, 1], F64, requiresGrad: true);   // ‖w‖ = √(0.36 + 5.76) ≈ 2.47
var points = Tensor.From([1.0, 2, -1, 0.5, 0, 3], [3, 2], F64, requiresGrad: true);
var scores = points.MatMul(w);
var gradX = Engine.Grad([scores.Sum()], [points], createGraph: true)[0]!;
Console.WriteLine($"∇ₓD at three points: {string.Join(" ", gradX.ToDoubles().Select(v => v.ToString("F2")))}");
Claim(gradX.ToDoubles().Chunk(2).All(r => r[0] == 0.6 && r[1] == 2.4), "∇ₓ(w·x) = w at every point: the critic's slope is the same everywhere");
var penalty = Penalty(gradX);
double norm = Math.Sqrt(0.6 * 0.6 + 2.4 * 2.4);
Claim(Math.Abs(penalty.Item() - (norm - 1) * (norm - 1)) < 1e-12, $"penalty = (‖w‖ − 1)² = {penalty.Item():F6}");
// The second backward: d penalty / dw = 2(‖w‖ − 1)·w/‖w‖, through the graph the first backward recorded.
penalty.Backward();
var byHand = new[] { 0.6, 2.4 }.Select(v => 2 * (norm - 1) * v / norm).ToArray();
Console.WriteLine($"d penalty/dw: double backward {Str(w.Grad!.ToDoubles())}, by hand {Str(byHand)}");
Claim(w.Grad!.ToDoubles().Zip(byHand).All(p => Math.Abs(p.First - p.Second) < 1e-12), "the double backward equals 2(‖w‖ − 1)·w/‖w‖");

// ---- 2. a small nonlinear critic: the penalty's gradient checked against finite differences ----
var g = new RandomStream(5);
var w1 = new Tensor(NDArray.Normal([2, 8], 0, 0.7, F64, g: g));
var w2 = new Tensor(NDArray.Normal([8, 1], 0, 0.7, F64, g: g));
var real = new Tensor(NDArray.Normal([16, 2], 1, 0.3, F64, g: g));
var fake = new Tensor(NDArray.Normal([16, 2], -1, 0.3, F64, g: g));
var alpha = new Tensor(NDArray.Uniform([16, 1], 0, 1, F64, g: g));
var between = alpha * real + (1 - alpha) * fake;   // x̂ = αx + (1 − α)x̃, one α per sample
Tensor CriticPenalty(Tensor[] p)
{
    var xhat = new Tensor(between.Data, requiresGrad: true);
    var d = xhat.MatMul(p[0]).LeakyRelu(0.2).MatMul(p[1]);
    return Penalty(Engine.Grad([d.Sum()], [xhat], createGraph: true)[0]!);
}
var check = GradCheck.Run(CriticPenalty, [w1, w2]);
Console.WriteLine($"penalty of the two-layer critic: {CriticPenalty([w1, w2]).Item():F6}");
Claim(check.Ok, "gradcheck: the double backward's d penalty/dW agrees with central differences for both layers");

// ---- 3. clipping against the penalty, on the linear critic of part 1 ----
// Clipping bounds each weight, not the slope: with c = 0.01 the slope ‖w‖ can only be ≤ 0.01·√2, far
// below 1, and the critic's answers shrink with it. The penalty pulls the slope to 1 itself.
var clipped = new[] { 0.6, 2.4 }.Select(v => Math.Clamp(v, -0.01, 0.01)).ToArray();
double clippedNorm = Math.Sqrt(clipped.Sum(v => v * v));
Console.WriteLine($"clipped to ±0.01: w = {Str(clipped)}, slope ‖w‖ = {clippedNorm:F4}");
Claim(clippedNorm <= 0.01 * Math.Sqrt(2) + 1e-15, "clipping makes the critic far flatter than 1-Lipschitz (slope ≤ c·√d)");
Claim(clipped[1] / clipped[0] == 1, "and turns it: w now points along (1, 1), no longer (1, 4), so the critic looks elsewhere");
var v = Tensor.From([0.6, 2.4], [2, 1], F64);
for (int step = 0; step < 200; step++)
{
    var wv = new Tensor(v.Data, requiresGrad: true);
    var x = Tensor.From([1.0, 2], [1, 2], F64, requiresGrad: true);
    var p = Penalty(Engine.Grad([x.MatMul(wv).Sum()], [x], createGraph: true)[0]!);
    p.Backward();
    v = Tensor.From(wv.ToDoubles().Zip(wv.Grad!.ToDoubles(), (a, b) => a - 0.1 * b).ToArray(), [2, 1], F64);
}
var final = v.ToDoubles();
double finalNorm = Math.Sqrt(final.Sum(t => t * t));
Console.WriteLine($"200 steps of descent on the penalty alone: w = {Str(final)}, slope ‖w‖ = {finalNorm:F6}");
Claim(Math.Abs(finalNorm - 1) < 1e-6, "the penalty alone drives the slope to 1");
Claim(Math.Abs(final[1] / final[0] - 4) < 1e-9, "and keeps w's direction (2.4 / 0.6 = 4): it constrains the slope, not what the critic looks at");
Console.WriteLine("lesson 12: all claims hold");

// mean over the samples of (‖∇ₓD‖₂ − 1)², each row of grad one sample's gradient.
static Tensor Penalty(Tensor grad) => ((grad.Pow(2).Sum([1]) + 1e-12).Sqrt() - 1).Pow(2).Mean();

static string Str(double[] v) => "[" + string.Join(", ", v.Select(t => t.ToString("F4"))) + "]";

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
