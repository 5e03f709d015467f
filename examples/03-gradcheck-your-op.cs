#:project ../src/Autograd/Scratch.Autograd.csproj
// Lesson 3 — write an op with its backward, and let GradCheck tell you whether the backward is right.
// Run: dotnet run -c Release examples/03-gradcheck-your-op.cs
//
// softplus(x) = log(1 + eˣ), whose derivative is σ(x) = 1/(1 + e⁻ˣ). Tensor.Function records a new
// op from outside the library (like torch.autograd.Function): a forward value computed any way you
// like, and a backward written with Tensor ops, g ↦ one gradient per input.
//
// GradCheck compares the backward with central differences, (f(x+ε) − f(x−ε)) / 2ε, in float64,
// element by element, after contracting the output with a random tensor — so a backward that drops
// or mis-weights the incoming gradient g is caught too, not only a wrong derivative.
using Scratch.Autograd;
using Scratch.Tensors;

// Forward: the stable form max(x, 0) + log(1 + e^(−|x|)) — never exp of a large number.
static NDArray SoftplusValues(NDArray x) => x.Relu() + ((-x.Abs()).Exp() + 1).Log();

static Tensor Softplus(Tensor x) =>
    Tensor.Function("softplus", SoftplusValues(x.Data), [x], g => [g * x.Sigmoid()]);     // d/dx = σ(x)

// Two wrong backwards of the kinds people write: a wrong derivative, and forgetting g.
static Tensor SoftplusWrongDerivative(Tensor x) =>
    Tensor.Function("softplus", SoftplusValues(x.Data), [x], g => [g * x.Exp()]);         // eˣ is d/dx of eˣ, not of softplus
static Tensor SoftplusIgnoresG(Tensor x) =>
    Tensor.Function("softplus", SoftplusValues(x.Data), [x], g => [x.Sigmoid()]);          // right local derivative, no chain rule

var x = Tensor.From(Enumerable.Range(0, 12).Select(i => (i - 6) * 0.7).ToArray(), [3, 4], DType.Float64);
Console.WriteLine($"x = {x}\nsoftplus(x) = {Softplus(x)}");

var good = GradCheck.Run(xs => Softplus(xs[0]), [x]);
Console.WriteLine($"softplus with backward g·σ(x):  {good}");
Claim(good.Ok, "the right backward passes gradcheck");

var wrong = GradCheck.Run(xs => SoftplusWrongDerivative(xs[0]), [x]);
Console.WriteLine($"softplus with backward g·eˣ:    {wrong}");
Claim(!wrong.Ok, "a wrong derivative fails gradcheck");

var noG = GradCheck.Run(xs => SoftplusIgnoresG(xs[0]), [x]);
Console.WriteLine($"softplus with backward σ(x):    {noG}");
Claim(!noG.Ok, "a backward that ignores the incoming gradient fails too (GradCheck contracts with a random g)");

// The stable forward matters: the naive log(1 + eˣ) overflows to ∞ for x = 100 in float32.
var big = NDArray.From([100f, -100f], [2]);
var naive = (big.Exp() + 1).Log().ToDoubles();
var stable = SoftplusValues(big).ToDoubles();
Console.WriteLine($"x = [100, −100] in float32: naive log(1+eˣ) = [{naive[0]}, {naive[1]}], stable = [{stable[0]}, {stable[1]:G3}]");
Claim(double.IsPositiveInfinity(naive[0]) && stable[0] == 100, "naive softplus(100) = ∞ in float32; the stable form gives 100");

// The op is usable like any other: it composes, and its gradient flows through the engine.
var w = Tensor.From([0.5, -0.25], [2], DType.Float64, requiresGrad: true);
Softplus(w * 2).Sum().Backward();
double s0 = 2 / (1 + Math.Exp(-1.0)), s1 = 2 / (1 + Math.Exp(0.5));
Console.WriteLine($"d/dw Σ softplus(2w) at w = [0.5, −0.25]: {w.Grad}");
Claim(Math.Abs(w.Grad!.ToDoubles()[0] - s0) < 1e-12 && Math.Abs(w.Grad.ToDoubles()[1] - s1) < 1e-12, "chain rule through the new op: 2·σ(2w)");
Console.WriteLine("lesson 3: all claims hold");

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
