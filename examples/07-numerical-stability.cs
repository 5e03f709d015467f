#:project ../src/Layers/Scratch.Layers.csproj
// Lesson 7 — why a GAN written with sigmoid + log goes NaN in float32, exactly where, and why the logits form does not.
// Run: dotnet run -c Release examples/07-numerical-stability.cs
//
// A learner's GAN — D ends in a sigmoid, the loss takes log of its probabilities — trained fine for
// ~18,000 iterations and then printed NaN forever. Nothing was wrong with the maths. In float32,
// 1 + e⁻ˣ rounds to exactly 1 as soon as e⁻ˣ < 2⁻²⁴ (half the gap between 1 and the next float up,
// 2⁻²³), i.e. for every x > 24·ln 2 ≈ 16.64, so σ(x) = 1/(1 + e⁻ˣ) is *exactly* 1.0f (in float64 the
// same cliff is at 53·ln 2 ≈ 36.7). Then 1 − D = 0, log(1 − D) = −∞, and the backward divides
// by that 0: d log(u)/du = 1/u = ∞, times the sigmoid's derivative σ(1 − σ) = 0, is ∞·0 = NaN.
// One NaN in one gradient reaches every weight through the optimizer step, and training is over.
//
// The logits form computes the same loss without ever forming 1 − σ(x):
//   −log(1 − σ(x)) = softplus(x) = max(x, 0) + log(1 + e^(−|x|))     gradient σ(x) − 0 ∈ [0, 1]
// (Losses.BceWithLogits), finite for any x. Part 1 shows the arithmetic; part 2 makes a real GAN hit
// the cliff in about 220 steps instead of 18,000, by letting D get overconfident first.
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

// ---------------- part 1: the cliff ----------------
var xs = new double[] { 10, 15, 16, 16.5, 16.7, 17, 20, 30 };
var x = Tensor.From(xs, [xs.Length], DType.Float32, requiresGrad: true);
var p = x.Sigmoid();
var naive = -(1 - p).Log();                                               // −log(1 − D): D's loss on a fake it calls real
var stable = Losses.BceWithLogits(x, x.ZerosLike(), Reduction.Sum);     // the same function, from the logit
var pv = p.ToDoubles(); var nv = naive.ToDoubles();
Console.WriteLine("   logit x   σ(x) in float32     1 − σ(x)      −log(1 − σ(x))");
for (int i = 0; i < xs.Length; i++) Console.WriteLine($"  {xs[i],8}   {pv[i],-16:G9}   {1 - pv[i],-12:G6}  {nv[i]:G9}");
Claim((float)pv[Array.IndexOf(xs, 17.0)] == 1.0f, "σ(17) rounds to exactly 1.0f in float32");
Claim(double.IsPositiveInfinity(nv[Array.IndexOf(xs, 17.0)]), "so −log(1 − σ(17)) = −log(0) = +∞");
Claim(nv[Array.IndexOf(xs, 16.0)] is > 15.9 and < 16.1, "one step before the cliff (x = 16) it was still ≈ 16: the loss jumps from finite to ∞");

naive.Sum().Backward();
var gNaive = x.Grad!.ToDoubles();
Console.WriteLine($"gradient of −log(1 − σ(x)):  [{string.Join(", ", gNaive.Select(v => v.ToString("G4")))}]");
Claim(double.IsNaN(gNaive[Array.IndexOf(xs, 17.0)]), "its gradient at x = 17 is NaN: 1/0 = ∞ from log, times σ(1 − σ) = 0 from the sigmoid");
x.ZeroGrad();
stable.Backward();
var gStable = x.Grad!.ToDoubles();
Console.WriteLine($"BCE with logits, loss {stable.Item():G6}; gradient σ(x) − 0: [{string.Join(", ", gStable.Select(v => v.ToString("G4")))}]");
Claim(double.IsFinite(stable.Item()) && gStable.All(double.IsFinite), "BCE with logits: finite loss and gradient (≈ x and 1) at every x");

// ---------------- part 2: a hand-written MLP GAN that hits the cliff ----------------
// Data: numbers from N(4, 0.5²). G: noise → number. D: number → probability, ending in a sigmoid.
Console.WriteLine("\nan MLP GAN in float32 with D = sigmoid(logit) and the loss −log D(x) − log(1 − D(G(z))):");
var g = new RandomStream(0);
var G = new Sequential(new Linear(4, 32, g: g), new LeakyReLU(0.2), new Linear(32, 1, g: g));
var Dnet = new Sequential(new Linear(1, 32, g: g), new LeakyReLU(0.2), new Linear(32, 32, g: g), new LeakyReLU(0.2), new Linear(32, 1, g: g));
Tensor D(Tensor v) => Dnet.Call(v).Sigmoid();                                 // the hand-written D: a probability
var optD = new Adam(Dnet.Parameters(), 1e-2, beta1: 0.5);
var optG = new Sgd(G.Parameters(), 3e-3, momentum: 0.9);
Tensor Real(RandomStream r) => Tensor.Normal([64, 1], 4, 0.5, g: r);
Tensor Noise(RandomStream r) => Tensor.Uniform([64, 4], -1, 1, g: r);

// What speeds 18,000 iterations up to a few hundred: D trains alone first (think of a large n_critic,
// or a D learning rate far above G's). Real and fake are easy to separate, so D's logits grow without
// bound — Adam keeps widening the margin — and D becomes overconfident.
for (int step = 1; step <= 200; step++)
    using (MemoryScope.Begin())
    {
        var fake = G.Call(Noise(g)).Detach();
        var loss = -(D(Real(g)).Log().Mean() + (1 - D(fake)).Log().Mean());
        optD.ZeroGrad(); loss.Backward(); optD.Step();
    }
using (GradMode.NoGrad())
{
    var at = Dnet.Call(Tensor.From([2.0, 4, 5, 6, 8], [5, 1])).ToDoubles();
    Console.WriteLine($"  after 200 D-only steps: D's logit on real data ≈ {Dnet.Call(Real(new RandomStream(9))).Mean().Item():F1}, " +
        $"on G's output ≈ {Dnet.Call(G.Call(Noise(new RandomStream(9)))).Mean().Item():F1}");
    Console.WriteLine($"  D's logit at x = 2, 4, 5, 6, 8: {string.Join(", ", at.Select(v => v.ToString("F1")))} — still rising past the real data");
    Claim(at[3] > 16.64, "D is overconfident: beyond the real data its logit passes 16.64, where σ rounds to 1.0f");
}

// Then G trains while D stands still (the other half of the imbalance), with SGD and momentum 0.9.
// The non-saturating G loss pushes G's output up D's slope; momentum carries some fakes past the
// real data, where D — a piecewise-linear function that never saw anything there — rises on.
// After each G step we evaluate the loss D's next step would take: the first time a fake lands
// where D's logit exceeds 16.64, D(G(z)) == 1.0f, and that loss is ∞.
int failedAt = -1;
for (int step = 1; step <= 1000 && failedAt < 0; step++)
    using (MemoryScope.Begin())
    {
        var rng = new RandomStream(1000 + (ulong)step);
        var lossG = -D(G.Call(Noise(rng))).Log().Mean();               // non-saturating G loss, on probabilities
        optG.ZeroGrad(); lossG.Backward(); optG.Step();

        var fake = G.Call(Noise(rng)).Detach();
        var real = Real(rng);
        var lossD = -(D(real).Log().Mean() + (1 - D(fake)).Log().Mean());   // what D's next step would minimise
        if (step % 25 == 0 || !double.IsFinite(lossD.Item()))
            using (GradMode.NoGrad())
                Console.WriteLine($"  G step {step,3}: loss G {lossG.Item():F4}, G(z) ≈ {fake.Mean().Item():F2}, " +
                    $"D's largest logit on a fake {Dnet.Call(fake).Max(0).Item():F2}, loss D {lossD.Item():G6}");
        if (!double.IsFinite(lossD.Item())) { failedAt = step; Explain(step, fake, real, lossD); }
    }
Claim(failedAt > 0, $"the probability-form GAN hit the cliff, after {failedAt} G steps");
Console.WriteLine("lesson 7: all claims hold");

void Explain(int step, Tensor fake, Tensor real, Tensor lossD)
{
    var logits = Dnet.Call(fake).ToDoubles();
    var probs = D(fake).ToDoubles();
    int worst = Array.IndexOf(logits, logits.Max());
    int ones = probs.Count(v => (float)v == 1.0f);
    Console.WriteLine($"  step {step,4}: loss D = {lossD.Item()}");
    Console.WriteLine($"  where: fake sample {worst} (G(z) = {fake.ToDoubles()[worst]:F3}) has D's logit {logits[worst]:F2} > 16.64, " +
        $"so D(G(z)) = {probs[worst]:R} exactly;");
    Console.WriteLine($"         {ones} of the 64 fakes are at 1.0f, and log(1 − 1.0) = −∞ makes the mean −∞");
    Claim(ones > 0 && logits[worst] > 16.6, "the ∞ comes from fakes with logit > 16.64, where σ is exactly 1.0f");

    // The backward turns the ∞ into NaN gradients: one step would write NaN into D's weights.
    optD.ZeroGrad(); lossD.Backward(retainGraph: true);      // kept: the last part steps with this gradient
    int nanGrads = Dnet.Parameters().Sum(w => w.Grad!.ToDoubles().Count(double.IsNaN));
    Console.WriteLine($"  backward: {nanGrads} of D's {Dnet.ParameterCount} weight gradients are NaN (∞ from log's 1/u times 0 from σ's σ(1−σ))");
    Claim(nanGrads > 0, "the gradient of the probability-form loss is NaN");

    // The same D, the same batch, the logits form: finite loss, finite gradients.
    var lr = Dnet.Call(real); var lf = Dnet.Call(fake);
    var logitsLoss = Losses.BceWithLogits(lr, lr.OnesLike()) + Losses.BceWithLogits(lf, lf.ZerosLike());
    optD.ZeroGrad(); logitsLoss.Backward();
    bool finite = Dnet.Parameters().All(w => w.Grad!.ToDoubles().All(double.IsFinite));
    Console.WriteLine($"  same D, same batch, BCE with logits: loss D = {logitsLoss.Item():F3}, every gradient finite: {finite}");
    Claim(double.IsFinite(logitsLoss.Item()) && finite, "the logits form stays finite where the probability form is ∞/NaN");

    // And what happens if training goes on with the NaN gradient: one Adam step, and every weight is NaN.
    optD.ZeroGrad(); lossD.Backward(); optD.Step();
    bool allNan = Dnet.Parameters().All(w => w.ToDoubles().Any(double.IsNaN));
    var after = D(real).ToDoubles();
    Console.WriteLine($"  one optimizer step with the NaN gradient: D(real) = {after[0]} — NaN from here on, for good");
    Claim(allNan && after.All(double.IsNaN), "one step with a NaN gradient poisons every weight");
}

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
