using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Models;

/// <summary>Losses of one training iteration; Info is InfoGAN's, Wasserstein the critic's estimate.</summary>
public record struct StepLosses(double D, double G, double Wasserstein, double Info);

/// <summary>
/// A generator and a discriminator with their optimizers, built from a <see cref="GanConfig"/>, and
/// the two halves of a training step: D (critic) on a real and a detached fake batch, then G.
/// All randomness comes from one seeded stream, so a run is reproducible and resumable.
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
        Zoo.Validate(c);
        Config = c; Device = device;
        var init = new RandomStream(c.Seed * 7919 + 1);
        Rng = new RandomStream(c.Seed);
        var arch = Zoo.Architecture(c);
        int nz = LatentDim;
        (G, D) = arch switch
        {
            "mlp" => ((Module)Architectures.MlpG(nz, init), (Module)Architectures.MlpD(init)),
            "dcgan" => (Architectures.DcganG(nz, init), Architectures.DcganD(init)),
            "dcgan64" => (Architectures.Dcgan64G(nz, c.Channels, init), Architectures.Dcgan64D(c.Channels, critic: c.Loss == "wgan-gp", init)),
            _ => (InfoGanD.MakeGenerator(nz, init), new InfoGanD(init)),
        };
        if (arch is "dcgan64" or "infogan") { G.Apply(m => Init.Dcgan(m, init)); D.Apply(m => Init.Dcgan(m, init)); }
        G.To(device); D.To(device);
        OptD = MakeOptimizer(D.Parameters(), c.LrD);
        var gParams = Info != null ? G.Parameters().Concat(Info.QHead.Parameters()) : G.Parameters();
        OptG = MakeOptimizer(gParams, c.LrG);
        _jointD = Info == null && !D.Modules().Any(m => m is BatchNorm);
    }

    Optimizer MakeOptimizer(IEnumerable<Tensor> ps, double lr) => Config.Optimizer == "rmsprop"
        ? new RmsProp(ps, lr)
        : new Adam(ps, lr, Config.Beta1, Config.Beta2);

    /// <summary>Length of G's input: noise, plus InfoGAN's 10 one-hot categories and 2 continuous codes.</summary>
    public int LatentDim => Config.NoiseDim + (Config.Model == "infogan" ? InfoGanD.Categories + InfoGanD.Continuous : 0);

    /// <summary>A batch of noise: U(−1, 1) or N(0, 1), per the config.</summary>
    public Tensor Noise(int n, RandomStream? g = null) => Config.Noise == "normal"
        ? Tensor.Normal([n, Config.NoiseDim], 0, 1, device: Device, g: g ?? Rng)
        : Tensor.Uniform([n, Config.NoiseDim], -1, 1, device: Device, g: g ?? Rng);

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
    /// One discriminator (critic) update on a real batch and a fresh, detached fake batch. Reading a
    /// loss makes the host wait for the device; with readLosses false (the benchmark) nothing waits
    /// and NaN is returned.
    /// </summary>
    public (double Loss, double Wasserstein) DStep(Tensor real, bool readLosses = true)
    {
        int n = real.Shape[0];
        Tensor fake;
        using (GradMode.NoGrad()) fake = G.Call(Latent(n).Z);
        var (sReal, sFake) = Scores(real, fake);
        var loss = GanLosses.D(Config.Loss, sReal, sFake);
        double w = readLosses && Config.Loss is "wgan" or "wgan-gp" ? -loss.Item() : double.NaN;
        if (Config.Loss == "wgan-gp") loss = loss + GanLosses.GradientPenalty(D, real, fake, Rng) * Config.GpLambda;
        OptD.ZeroGrad();
        loss.Backward();
        OptD.Step();
        if (Config.Loss == "wgan") OptD.ClampParameters(-Config.Clip, Config.Clip);
        return (readLosses ? loss.Item() : double.NaN, w);
    }

    /// <summary>D's scores of a real and a fake batch: one pass over both when <see cref="_jointD"/>.</summary>
    (Tensor Real, Tensor Fake) Scores(Tensor real, Tensor fake)
    {
        if (!_jointD || !Shape.Same(real.Shape, fake.Shape)) return (D.Call(real), D.Call(fake));
        int n = real.Shape[0];
        var both = D.Call(Tensor.Cat([real, fake], 0));
        return (both.Narrow(0, 0, n), both.Narrow(0, n, fake.Shape[0]));
    }

    /// <summary>One generator update (for InfoGAN also Q's: the information loss trains both); readLosses as in DStep.</summary>
    public (double Loss, double Info) GStep(int n, bool readLosses = true)
    {
        var (z, cat, con) = Latent(n);
        var fake = G.Call(z);
        // D's weights are fixed for this step: no gradient is computed for them at all.
        foreach (var p in D.Parameters()) p.RequiresGrad = false;
        try
        {
            Tensor loss; double info = double.NaN;
            if (Info != null)
            {
                foreach (var p in Info.QHead.Parameters()) p.RequiresGrad = true;
                var (d, q) = Info.Both(fake);
                var infoLoss = InfoLoss(q, cat!, con!);
                if (readLosses) info = infoLoss.Item();
                loss = GanLosses.G(Config.Loss, d) + infoLoss;
            }
            else loss = GanLosses.G(Config.Loss, D.Call(fake));
            OptG.ZeroGrad();
            loss.Backward();
            OptG.Step();
            return (readLosses ? loss.Item() : double.NaN, info);
        }
        finally { foreach (var p in D.Parameters()) p.RequiresGrad = true; }
    }

    /// <summary>
    /// InfoGAN's variational bound on the mutual information I(c; G(z, c)): cross-entropy of the
    /// categorical code plus the Gaussian negative log-likelihood of the continuous codes under Q.
    /// </summary>
    public Tensor InfoLoss(Tensor q, Tensor cat, Tensor con)
    {
        int k = InfoGanD.Categories, m = InfoGanD.Continuous;
        var logits = q.Narrow(1, 0, k);
        var mean = q.Narrow(1, k, m);
        var logVar = q.Narrow(1, k + m, m).Clamp(-5, 5);
        return Losses.CrossEntropy(logits, cat) * Config.InfoLambdaCat + Losses.GaussianNll(mean, con, logVar.Exp()) * Config.InfoLambdaCon;
    }

    /// <summary>Images from G in eval mode (BatchNorm uses running statistics), no graph recorded.</summary>
    public NDArray Generate(Tensor z)
    {
        bool was = G.Training;
        G.Eval();
        try { using (GradMode.NoGrad()) return G.Call(z).Data; }
        finally { G.Train(was); }
    }
}
