using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Models;

/// <summary>
/// Losses of one training iteration; Info is InfoGAN's, Wasserstein the critic's estimate. The rest say
/// who is winning: DReal and DFake are D(x) and D(G(z)) (<see cref="DStepResult"/>), GradNormD and
/// GradNormG the gradients' L2 norms, Penalty WGAN-GP's gradient penalty. NaN: not measured.
/// </summary>
public record struct StepLosses(double D, double G, double Wasserstein, double Info)
{
    public double DReal { get; init; } = double.NaN;
    public double DFake { get; init; } = double.NaN;
    public double GradNormD { get; init; } = double.NaN;
    public double GradNormG { get; init; } = double.NaN;
    public double Penalty { get; init; } = double.NaN;
}

/// <summary>
/// What one D (critic) step read: its loss and Wasserstein estimate, D(x) and D(G(z)) — the mean
/// probability D gives the real and the fake batch (σ of its logits), or for the least-squares and
/// critic losses, whose scores are not logits, the mean raw score — the L2 norm of D's whole gradient
/// before the optimizer used it, and WGAN-GP's penalty E[(‖∇D‖ − 1)²] before λ. NaN when not read.
/// </summary>
public readonly record struct DStepResult(double Loss, double Wasserstein, double Real, double Fake, double GradNorm, double Penalty);

/// <summary>What one G step read: its loss, InfoGAN's information loss, and the L2 norm of G's gradient. NaN when not read.</summary>
public readonly record struct GStepResult(double Loss, double Info, double GradNorm);

/// <summary>
/// A generator and a discriminator with their optimizers, built from a <see cref="GanConfig"/>, and
/// the two halves of a training step: D (critic) on a real and a detached fake batch, then G.
/// All randomness comes from one seeded stream, so a run is reproducible and resumable. The config is
/// taken as valid: it was checked where it was made (Zoo.Validate, by the command line or config.json's reader).
/// </summary>
public sealed class GanModel
{
    public GanConfig Config { get; }
    public Module G { get; }
    public Module D { get; }
    public Optimizer OptD { get; }
    public Optimizer OptG { get; }
    public RandomStream Rng { get; }
    public Device Device { get; }
    InfoGanD? Info => D as InfoGanD;
    // Whether D may score the real and the fake batch as one batch of 2n: true unless a layer couples
    // the samples of a batch (BatchNorm's statistics would then mix real and fake). The scores are
    // the same either way; one pass through each layer instead of two halves the kernel launches.
    readonly bool _jointD;

    public GanModel(GanConfig c, Device device)
    {
        Config = c; Device = device;
        var init = new RandomStream(c.Seed * 7919 + 1);
        Rng = new RandomStream(c.Seed);
        var arch = c.Architecture;
        int nz = LatentDim;
        (G, D) = arch switch
        {
            ArchitectureKind.Mlp => ((Module)Architectures.MlpG(nz, init), (Module)Architectures.MlpD(init)),
            ArchitectureKind.Dcgan => (Architectures.DcganG(nz, init), Architectures.DcganD(init)),
            ArchitectureKind.Dcgan64 =>
                (Architectures.Dcgan64G(nz, c.Channels, init), Architectures.Dcgan64D(c.Channels, critic: c.Loss == LossKind.WassersteinGp, init)),
            ArchitectureKind.InfoGan => (InfoGanD.MakeGenerator(nz, init), new InfoGanD(init, c.InfoLeak)),
            ArchitectureKind.WganGpMnist => (Architectures.WganGpMnistG(nz, c.Width!.Value, init), Architectures.WganGpMnistD(c.Width!.Value, init)),
        };
        Fusion.Apply(G); Fusion.Apply(D);   // each bias add and the (leaky) ReLU after it in one pass (Layers/Fusion.cs)
        // Each reference's own initialiser; the MLP and the 28×28 DCGAN keep PyTorch's defaults.
        Action<Module, RandomStream?>? initialise = arch switch
        {
            ArchitectureKind.Dcgan64 => Init.Dcgan,
            ArchitectureKind.InfoGan => Init.InfoGan,
            ArchitectureKind.WganGpMnist => Init.Tflib,   // gan_mnist.py's tflib initialisers
            ArchitectureKind.Mlp or ArchitectureKind.Dcgan => null,
        };
        if (initialise != null) { G.Apply(m => initialise(m, init)); D.Apply(m => initialise(m, init)); }
        G.To(device); D.To(device);
        OptD = MakeOptimizer(D.Parameters(), c.LrD);
        // Q's head belongs to D's optimizer when the information term is in D's loss (openai/InfoGAN
        // trains every d_net variable, trunk and Q, with D's Adam); otherwise G's optimizer trains it.
        var gParams = QTrainsWithG ? G.Parameters().Concat(Info!.QHead.Parameters()) : G.Parameters();
        OptG = MakeOptimizer(gParams, c.LrG);
        _jointD = Info == null && !D.Modules().Any(m => m is BatchNorm);
    }

    /// <summary>Whether G's step trains Q's head (info-trains g-and-q); with both, D's step does.</summary>
    bool QTrainsWithG => Info != null && Config.InfoTrains == InfoTraining.GAndQ;

    Optimizer MakeOptimizer(IEnumerable<Tensor> ps, double lr) => Config.Optimizer switch
    {
        OptimizerKind.RmsProp => new RmsProp(ps, lr),
        OptimizerKind.Adam => new Adam(ps, lr, Config.Beta1, Config.Beta2),
    };

    /// <summary>Length of G's input: noise, plus InfoGAN's 10 one-hot categories and 2 continuous codes.</summary>
    public int LatentDim => Config.NoiseDim + (Config.Model == ModelKind.InfoGan ? InfoGanD.Categories + InfoGanD.Continuous : 0);

    /// <summary>A batch of noise: U(−1, 1) or N(0, 1), per the config.</summary>
    public Tensor Noise(int n, RandomStream? g = null) => Config.Noise switch
    {
        NoiseKind.Normal => Tensor.Normal([n, Config.NoiseDim], 0, 1, device: Device, g: g ?? Rng),
        NoiseKind.Uniform => Tensor.Uniform([n, Config.NoiseDim], -1, 1, device: Device, g: g ?? Rng),
    };

    /// <summary>A full latent batch; for InfoGAN also the codes that were drawn (category index, continuous values).</summary>
    public (Tensor Z, Tensor? Cat, Tensor? Con) Latent(int n, RandomStream? g = null)
    {
        g ??= Rng;
        var z = Noise(n, g);
        if (Info == null) return (z, null, null);
        var cat = new Tensor(NDArray.From(Enumerable.Range(0, n).Select(_ => (float)g.NextInt(InfoGanD.Categories)).ToArray(), [n], Device));
        var con = Tensor.Uniform([n, InfoGanD.Continuous], -1, 1, device: Device, g: g);
        return (Tensor.Cat([z, cat.OneHot(InfoGanD.Categories), con], 1), cat, con);
    }

    /// <summary>
    /// InfoGAN's categorical traversal (its Figure 2a): one row per category, one column per noise vector
    /// drawn from g, the continuous codes at 0 — so a row shows what one category means to G.
    /// </summary>
    public Tensor CategoricalTraversal(int columns, RandomStream g)
    {
        if (Info == null) throw new InvalidOperationException("a categorical traversal needs InfoGAN's codes");
        int k = InfoGanD.Categories;
        var noise = Noise(columns, g);
        var rows = Enumerable.Range(0, k).Select(cat =>
            Tensor.Cat([noise, Tensor.Full([columns], cat, device: Device).OneHot(k),
                Tensor.Zeros([columns, InfoGanD.Continuous], device: Device)], 1));
        return Tensor.Cat([.. rows], 0);
    }

    /// <summary>
    /// One discriminator (critic) update on a real batch and a fresh, detached fake batch. Reading a
    /// loss makes the host wait for the device; with readLosses false (the benchmark) nothing waits
    /// and NaN is returned. The gradient's norm is a pass over every gradient (a few % of a DCGAN
    /// step on the CPU), so the trainer asks for it less often than for the losses: readGradNorm.
    /// The iteration (the trainer's, from 1) matters only to InfoGAN's --info-max-until (<see cref="InfoMaxOn"/>).
    /// </summary>
    public DStepResult DStep(Tensor real, bool readLosses = true, bool readGradNorm = true, long iteration = 1)
    {
        var step = DLoss(real, iteration);
        OptD.ZeroGrad();
        step.Loss.Backward();
        // Queued before the optimizer step (which must not see them change) and read after it, in one download.
        NDArray? signals = readLosses ? Signals([step.Loss.Data, step.Adversarial.Data, MeanScore(step.RealScores), MeanScore(step.FakeScores),
            step.Penalty?.Data ?? NaNLike(step.Loss.Data), readGradNorm ? GradSquares(OptD) : NaNLike(step.Loss.Data)]) : null;
        OptD.Step();
        if (Config.Loss == LossKind.Wasserstein) OptD.ClampParameters(-Config.Clip, Config.Clip);
        if (signals == null) return new DStepResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var v = signals.ToDoubles();
        double w = Zoo.IsCritic(Config.Loss) ? -v[1] : double.NaN;
        return new DStepResult(v[0], w, v[2], v[3], Math.Sqrt(v[5]), v[4]);
    }

    /// <summary>Scalars stacked into one array, so the host waits for the device once to read them all.</summary>
    static NDArray Signals(NDArray[] scalars) => NDArray.Cat(scalars.Select(a => a.Reshape(1)).ToList());

    static NDArray NaNLike(NDArray scalar) => scalar * double.NaN;

    /// <summary>D(x) or D(G(z)) over a batch: the mean probability for logits, the mean score otherwise (see <see cref="DStepResult"/>).</summary>
    NDArray MeanScore(Tensor scores) => Config.Loss switch
    {
        LossKind.NonSaturating or LossKind.Minimax => scores.Data.Sigmoid().Mean(),
        LossKind.LeastSquares or LossKind.Wasserstein or LossKind.WassersteinGp => scores.Data.Mean(),
    };

    /// <summary>Σ g² over every gradient an optimizer holds: the squared L2 norm of the network's whole gradient.</summary>
    static NDArray GradSquares(Optimizer opt)
    {
        var parts = opt.Parameters.Where(p => p.Grad != null).Select(p => (p.Grad!.Data * p.Grad.Data).Sum().Reshape(1)).ToList();
        return NDArray.Cat(parts).Sum();
    }

    /// <summary>
    /// D's loss as its step records it (`scratch graph` draws this): the adversarial loss on a real
    /// batch and a fake one made without a graph (D's step must not train G), plus WGAN-GP's penalty,
    /// or InfoGAN's information loss on the fake batch when it trains D too (info-trains both), and at the
    /// iterations <see cref="InfoMaxOn"/> names, --info-max's information maximisation on the real batch.
    /// </summary>
    public (Tensor Loss, Tensor Adversarial, Tensor Fake, Tensor RealScores, Tensor FakeScores, Tensor? Penalty) DLoss(Tensor real,
        long iteration = 1)
    {
        int n = real.Shape[0];
        Tensor fake;
        var (z, cat, con) = Latent(n);
        using (GradMode.NoGrad()) fake = G.Call(z);
        if (Info != null && !QTrainsWithG)
        {
            // With --info-max, Q's categories of the real batch come from the same trunk pass as D's scores.
            (Tensor sRealInfo, Tensor? qReal) = InfoMaxOn(iteration) ? Info.Both(real) : (D.Call(real), null);
            var (sFakeInfo, q) = Info.Both(fake);
            var adversarialInfo = GanLosses.D(Config.Loss, sRealInfo, sFakeInfo);
            var loss = adversarialInfo + InfoLoss(q, cat!, con!);
            if (qReal != null)
            {
                var changed = Config.InfoMaxAugment == InfoMaxAugment.Affine ? InfoMax.Affine(real, Rng) : InfoMax.Shifted(real, Rng);
                var infoMax = InfoMax.Loss(Categories(qReal), Categories(Info.Both(changed).Q)).Total;
                if (Config.InfoMaxVat > 0)
                {
                    var fragile = InfoMax.AdversarialInconsistency(x => Categories(Info.Both(x).Q), real, Categories(qReal), Config.InfoMaxVat, Rng);
                    infoMax = infoMax + fragile * InfoMax.Invariance;
                }
                loss = loss + infoMax * Config.InfoMax;
            }
            return (loss, adversarialInfo, fake, sRealInfo, sFakeInfo, null);
        }
        var (sReal, sFake) = Scores(real, fake);
        var adversarial = GanLosses.D(Config.Loss, sReal, sFake);
        if (Config.Loss != LossKind.WassersteinGp) return (adversarial, adversarial, fake, sReal, sFake, null);
        var penalty = GanLosses.GradientPenalty(D, real, fake, Rng);
        return (adversarial + penalty * Config.GpLambda, adversarial, fake, sReal, sFake, penalty);
    }

    /// <summary>
    /// Whether D's step at this iteration (from 1) adds --info-max's term: up to --info-max-until, or always when that is 0.
    /// The term founds categories that are digits early (a start's categories are settled by ~250 iterations); left on, it
    /// keeps G's samples of one category alike (a high Fréchet distance), so a run may hand over to InfoGAN's losses alone.
    /// </summary>
    public bool InfoMaxOn(long iteration) => Config.InfoMax > 0 && (Config.InfoMaxUntil == 0 || iteration <= Config.InfoMaxUntil);

    /// <summary>D's scores of a real and a fake batch: one pass over both when <see cref="_jointD"/>.</summary>
    (Tensor Real, Tensor Fake) Scores(Tensor real, Tensor fake)
    {
        if (!_jointD || !Shape.Same(real.Shape, fake.Shape)) return (D.Call(real), D.Call(fake));
        int n = real.Shape[0];
        var both = D.Call(Tensor.Cat([real, fake], 0));
        return (both.Narrow(0, 0, n), both.Narrow(0, n, fake.Shape[0]));
    }

    /// <summary>One generator update (for InfoGAN with info-trains g-and-q also Q's head's); readLosses and readGradNorm as in DStep.</summary>
    public GStepResult GStep(int n, bool readLosses = true, bool readGradNorm = true)
    {
        using (FreezeD())
        {
            var step = GLoss(n);
            OptG.ZeroGrad();
            step.Loss.Backward();
            NDArray? signals = readLosses
                ? Signals([step.Loss.Data, step.Info?.Data ?? NaNLike(step.Loss.Data), readGradNorm ? GradSquares(OptG) : NaNLike(step.Loss.Data)])
                : null;
            OptG.Step();
            if (signals == null) return new GStepResult(double.NaN, double.NaN, double.NaN);
            var v = signals.ToDoubles();
            return new GStepResult(v[0], v[1], Math.Sqrt(v[2]));
        }
    }

    /// <summary>
    /// G's loss as its step records it (`scratch graph` draws this), to be called inside <see cref="FreezeD"/>:
    /// G's output on fresh latents scored by D, plus InfoGAN's information loss.
    /// </summary>
    public (Tensor Loss, Tensor? Info, Tensor Z) GLoss(int n)
    {
        var (z, cat, con) = Latent(n);
        var fake = G.Call(z);
        if (Info == null) return (GanLosses.G(Config.Loss, D.Call(fake)), null, z);
        var (d, q) = Info.Both(fake);
        var infoLoss = InfoLoss(q, cat!, con!);
        return (GanLosses.G(Config.Loss, d) + infoLoss, infoLoss, z);
    }

    /// <summary>
    /// D's weights fixed for G's step, until disposed: no gradient is computed for them at all.
    /// With info-trains g-and-q InfoGAN's Q head stays trainable (G's step trains it).
    /// </summary>
    public IDisposable FreezeD()
    {
        foreach (var p in D.Parameters()) p.RequiresGrad = false;
        if (QTrainsWithG) foreach (var p in Info!.QHead.Parameters()) p.RequiresGrad = true;
        return new Thaw(D);
    }

    sealed class Thaw(Module d) : IDisposable
    {
        public void Dispose() { foreach (var p in d.Parameters()) p.RequiresGrad = true; }
    }

    /// <summary>
    /// InfoGAN's variational bound on the mutual information I(c; G(z, c)), less the codes' constant
    /// entropy: cross-entropy of the categorical code plus the Gaussian negative log-likelihood of the
    /// continuous codes under Q — with unit variance (openai/InfoGAN's fix_std) ½(c − μ)² summed over
    /// the codes, with a learnt variance the full NLL averaged over them.
    /// </summary>
    public Tensor InfoLoss(Tensor q, Tensor cat, Tensor con)
    {
        int k = InfoGanD.Categories, m = InfoGanD.Continuous;
        var logits = q.Narrow(1, 0, k);
        var mean = q.Narrow(1, k, m);
        var continuous = Config.InfoContinuous switch
        {
            InfoContinuous.UnitVariance => ((mean - con).Pow(2).Sum([1]) * 0.5).Mean(),
            InfoContinuous.LearntVariance => Losses.GaussianNll(mean, con, q.Narrow(1, k + m, m).Clamp(-5, 5).Exp()),
        };
        return Losses.CrossEntropy(logits, cat) * Config.InfoLambdaCat + continuous * Config.InfoLambdaCon;
    }

    /// <summary>Q's logits of the categorical code: the first of its outputs.</summary>
    static Tensor Categories(Tensor q) => q.Narrow(1, 0, InfoGanD.Categories);

    /// <summary>
    /// InfoGAN: Q's logits of the categorical code for images x, D in eval mode (BatchNorm uses running statistics), no graph recorded.
    /// </summary>
    public NDArray QCategories(NDArray x)
    {
        var info = Info ?? throw new InvalidOperationException("only InfoGAN has a Q network");
        return InEval(D, () => Categories(info.Both(new Tensor(x)).Q));
    }

    /// <summary>Images from G in eval mode (BatchNorm uses running statistics), no graph recorded.</summary>
    public NDArray Generate(Tensor z) => InEval(G, () => G.Call(z));

    /// <summary>f's result with the network in eval mode and no graph recorded; the network's mode is restored after.</summary>
    static NDArray InEval(Module net, Func<Tensor> f)
    {
        bool was = net.Training;
        net.Eval();
        try { using (GradMode.NoGrad()) return f().Data; }
        finally { net.Train(was); }
    }
}
