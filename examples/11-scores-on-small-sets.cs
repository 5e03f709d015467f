#:project ../src/Gan/Scratch.Gan.csproj
// Lesson 11 — what the Inception score and the Fréchet distance measure, on sets small enough to reason about.
// Run: dotnet run -c Release examples/11-scores-on-small-sets.cs
//
// `scratch eval` feeds generated digits to an MNIST classifier and scores two things from its outputs
// (docs/evaluation.md): the Inception score from its class probabilities p(y|x), and the Fréchet
// distance between Gaussians fitted to its features of real and of generated digits. Here the inputs
// are made by hand — probabilities with a known answer, features drawn from known Gaussians — so each
// score can be checked against what it must be, including how a small set biases the Fréchet distance.
using Scratch.Gan.Evaluation.Metrics;
using Scratch.Tensors;

const int K = 10, N = 1000;

// ---- 1. the Inception score: confident per image, even over the classes ----
// IS = exp(mean KL(p(y|x) ‖ p(y))) = exp(H(p(y)) − mean H(p(y|x))): the marginal's entropy minus each image's.
double[] Probs(Func<int, int, double> p) => [.. Enumerable.Range(0, N * K).Select(e => p(e / K, e % K))];
var cases = new (string What, double[] Probs, double Expected)[]
{
    ("confident, all 10 classes evenly", Probs((i, c) => c == i % K ? 1 : 0), 10),
    ("confident, only 5 classes", Probs((i, c) => c == i % 5 ? 1 : 0), 5),
    ("confident, all one class (collapse)", Probs((i, c) => c == 3 ? 1 : 0), 1),
    ("unsure: 1/10 each, every image", Probs((i, c) => 1.0 / K), 1),
    ("0.9 on its class, 10 classes evenly", Probs((i, c) => c == i % K ? 0.9 : 0.1 / 9),
        Math.Exp(Math.Log(K) - Entropy([0.9, .. Enumerable.Repeat(0.1 / 9, 9)]))),
};
foreach (var (what, probs, expected) in cases)
{
    double score = InceptionScore.Compute(probs, N, K);
    var histogram = ClassHistogram.Of(probs, N, K);
    Console.WriteLine($"  {what,-38} IS {score,6:F3}   classes covered {histogram.Covered,2}");
    Claim(Math.Abs(score - expected) < 1e-9, $"IS = {expected:F3}, exp(H(p(y)) − mean H(p(y|x)))");
}
Claim(Math.Abs(InceptionScore.Compute(cases[3].Probs, N, K) - 1) < 1e-12 && Math.Abs(InceptionScore.Compute(cases[2].Probs, N, K) - 1) < 1e-12,
    "collapse and indecision both score 1, the minimum: the score cannot say which of the two went wrong");

// ---- 2. the Fréchet distance between two Gaussians, and its closed form ----
// For N(μ₁, σ₁²I) and N(μ₂, σ₂²I) in d dimensions: |μ₁ − μ₂|² + d·(σ₁ − σ₂)².
const int D = 8;
var g = new RandomStream(11);
double[] Sample(int n, double mean, double std) => NDArray.Normal([n, D], mean, std, DType.Float64, g: g).ToDoubles();
var real = Sample(20000, 0, 1);
foreach (var (mean, std) in new[] { (0.0, 1.0), (0.5, 1.0), (0.0, 2.0), (1.0, 0.5) })
{
    double fd = FrechetDistance.Compute(real, 20000, Sample(20000, mean, std), 20000, D);
    double exact = D * mean * mean + D * (1 - std) * (1 - std);
    Console.WriteLine($"  N(0, I) vs N({mean}, {std}²I) in {D} dims, 20,000 samples each: FD {fd,7:F4}   closed form {exact,5:F2}");
    Claim(Math.Abs(fd - exact) < 0.1 + 0.02 * exact,
        $"FD ≈ {exact:F2} = d·μ² + d·(1 − σ)², up to sampling noise: shifting the mean and changing the spread both cost");
}
Claim(FrechetDistance.Compute(real, 20000, real, 20000, D) < 1e-9, "a set against itself: FD 0");

// ---- 3. a small set biases FD upwards: two draws of the same distribution are not at 0 ----
double last = double.PositiveInfinity;
var bias = new List<double>();
foreach (int n in new[] { 50, 200, 1000, 5000 })
{
    double mean = Enumerable.Range(0, 4).Average(_ => FrechetDistance.Compute(Sample(n, 0, 1), n, Sample(n, 0, 1), n, D));
    Console.WriteLine($"  two sets of {n,5} drawn from the same N(0, I): FD {mean:F4} (mean of 4 pairs)");
    bias.Add(mean); last = mean;
}
Claim(bias.Zip(bias.Skip(1)).All(p => p.Second < p.First),
    "the same distribution scores FD > 0, less with every larger set: compare FDs only at the same n");
Claim(bias[0] > 20 * bias[^1], $"50 samples: FD {bias[0]:F3}; 5,000: {last:F4} — roughly 1/n, so a small set's FD is mostly sampling noise");
Console.WriteLine("lesson 11: all claims hold");

static double Entropy(double[] p) => -p.Where(v => v > 0).Sum(v => v * Math.Log(v));
static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
