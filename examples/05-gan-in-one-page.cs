#:project ../src/Layers/Scratch.Layers.csproj
// Lesson 5 — a GAN in one page: a generator learns to draw numbers that look like samples of N(4, 1.25²).
// Run: dotnet run -c Release examples/05-gan-in-one-page.cs
//
// G turns noise z into a number; D (the discriminator) outputs a logit: how real a number looks.
// They take turns (Goodfellow et al. 2014, with the non-saturating G loss):
//   D step: minimise BCE(D(x), 1) + BCE(D(G(z)), 0)   — tell real from fake
//   G step: minimise BCE(D(G(z)), 1)                   — make D call the fakes real
// Both losses are written on logits (BceWithLogits), never on probabilities — lesson 7 shows why.
// The same loop, with convolutional networks and images, is src/Gan/Models/GanModel.cs.
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

const double RealMean = 4, RealStd = 1.25;
const int Batch = 128, Steps = 1500, Nz = 4;
var g = new RandomStream(0);
var G = new Sequential(new Linear(Nz, 32, g: g), new LeakyReLU(0.2), new Linear(32, 32, g: g), new LeakyReLU(0.2), new Linear(32, 1, g: g));
var D = new Sequential(new Linear(1, 32, g: g), new LeakyReLU(0.2), new Linear(32, 32, g: g), new LeakyReLU(0.2), new Linear(32, 1, g: g));
var optG = new Adam(G.Parameters(), 1e-3, beta1: 0.5);
var optD = new Adam(D.Parameters(), 1e-3, beta1: 0.5);

Tensor Real() => Tensor.Normal([Batch, 1], RealMean, RealStd, g: g);
Tensor Noise() => Tensor.Uniform([Batch, Nz], -1, 1, g: g);
(double Mean, double Std) Stats(double[] v) { double m = v.Average(); return (m, Math.Sqrt(v.Select(x => (x - m) * (x - m)).Average())); }

var (m0, s0) = Stats(G.Call(Noise()).ToDoubles());
Console.WriteLine($"before: G's samples have mean {m0:F2}, std {s0:F2}; the real data mean {RealMean}, std {RealStd}");
for (int step = 1; step <= Steps; step++)
    using (MemoryScope.Begin())
    {
        // D step: the fake batch is detached, so this step's gradient stops at G's output.
        var real = Real();
        var fake = G.Call(Noise()).Detach();
        var dReal = D.Call(real); var dFake = D.Call(fake);
        var lossD = Losses.BceWithLogits(dReal, dReal.OnesLike()) + Losses.BceWithLogits(dFake, dFake.ZerosLike());
        optD.ZeroGrad(); lossD.Backward(); optD.Step();

        // G step: the gradient flows back through D into G; only G's optimizer steps.
        var score = D.Call(G.Call(Noise()));
        var lossG = Losses.BceWithLogits(score, score.OnesLike());
        optG.ZeroGrad(); lossG.Backward(); optG.Step();

        if (step % 300 == 0)
        {
            var (m, s) = Stats(G.Call(Noise()).ToDoubles());
            Console.WriteLine($"  step {step,4}: loss D {lossD.Item():F3}, loss G {lossG.Item():F3}; G's samples: mean {m:F2}, std {s:F2}");
        }
    }

// Judge with many samples. At the game's equilibrium D cannot tell: D(x) = ½ everywhere, loss D = 2·log 2 ≈ 1.386.
using (GradMode.NoGrad())
{
    var samples = Enumerable.Range(0, 20).SelectMany(_ => G.Call(Noise()).ToDoubles()).ToArray();
    var (mean, std) = Stats(samples);
    Console.WriteLine($"after {Steps} steps: {samples.Length} samples of G have mean {mean:F3}, std {std:F3}");
    Claim(Math.Abs(mean - RealMean) < 0.3, $"G's mean {mean:F2} is within 0.3 of the real {RealMean}");
    Claim(Math.Abs(std - RealStd) < 0.6, $"G's spread {std:F2} is within 0.6 of the real {RealStd} (no collapse to one point)");
}
Console.WriteLine("lesson 5: all claims hold");

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
