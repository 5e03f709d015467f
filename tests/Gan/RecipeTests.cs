using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Gan;

/// <summary>The recipes that follow their reference code: InfoGAN (openai/InfoGAN) and WGAN-GP's MNIST networks (gan_mnist.py).</summary>
[Collection("serial")]
public class RecipeTests
{
    static T Real(int n, RandomStream g) => new(NDArray.Uniform([n, 1, 28, 28], -1, 1, g: g));
    static List<double[]> Values(IEnumerable<T> ps) => ps.Select(p => p.ToDoubles()).ToList();
    static bool Moved(IEnumerable<T> ps, List<double[]> before) =>
        ps.Select(p => p.ToDoubles()).Zip(before).Any(p => !p.First.SequenceEqual(p.Second));

    // gan_mnist.py, DIM 64: G = 128·4096 + 4096 + 25·(256·128 + 128·64 + 64·1) + 128 + 64 + 1;
    // D = 25·(1·64 + 64·128 + 128·256) + 64 + 128 + 256 + 4096 + 1.
    [Fact]
    public void Wgan_gp_at_28px_uses_gan_mnist_networks_without_batchnorm_and_its_settings()
    {
        var c = Zoo.Defaults(ModelKind.WganGp);
        Assert.Equal((ArchitectureKind.WganGpMnist, 128, NoiseKind.Normal, 50, 5, 10.0),
            (c.Architecture, c.NoiseDim, c.Noise, c.BatchSize, c.NCritic, c.GpLambda));
        Assert.Equal((1e-4, 1e-4, 0.5, 0.9, 16), (c.LrD, c.LrG, c.Beta1, c.Beta2, c.Width));   // a quarter of the file's DIM: docs/gans.md says why
        var gan = new GanModel(c with { Width = 64 }, Device.Cpu);
        Assert.Equal(1_554_177, gan.G.ParameterCount);
        Assert.Equal(1_030_145, gan.D.ParameterCount);
        Assert.DoesNotContain(gan.D.Modules().Concat(gan.G.Modules()), m => m is BatchNorm or InstanceNorm2d);
        using var _ = GradMode.NoGrad();
        var images = gan.G.Call(gan.Latent(3).Z);
        Assert.Equal([3, 1, 28, 28], images.Shape);
        Assert.Equal([3, 1], gan.D.Call(images).Shape);
        Assert.Equal(ArchitectureKind.Dcgan64, Zoo.Defaults(ModelKind.WganGp, 64).Architecture);   // 64×64 keeps NTU HW6's networks
    }

    static double Std(T t) { var v = t.ToDoubles(); double m = v.Average(); return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Length); }

    // tflib: conv √(4 / (in·k² + out·k²/s²)), transposed conv √(4 / (in·k²/s² + out·k²)), linear √(2 / (in + out)), biases 0.
    [Fact]
    public void Wgan_gp_mnist_networks_start_from_tflib_initialisers()
    {
        var m = new GanModel(Zoo.Defaults(ModelKind.WganGp) with { Width = 64 }, Device.Cpu);
        var convs = m.D.Modules().OfType<Conv2d>().ToList();
        var ups = m.G.Modules().OfType<ConvTranspose2d>().ToList();
        var gIn = m.G.Modules().OfType<Linear>().Single();
        Assert.Equal(Math.Sqrt(4.0 / (64 * 25 + 128 * 25 / 4.0)), Std(convs[1].Weight), 3);
        Assert.Equal(Math.Sqrt(4.0 / (256 * 25 / 4.0 + 128 * 25)), Std(ups[0].Weight), 3);
        Assert.Equal(Math.Sqrt(2.0 / (128 + 4096)), Std(gIn.Weight), 3);
        Assert.All(convs.Select(c => c.Bias!).Concat(ups.Select(u => u.Bias!)).Append(gIn.Bias!),
            b => Assert.All(b.ToDoubles(), x => Assert.Equal(0, x)));
    }

    // openai/InfoGAN custom_ops: every conv, transposed conv and linear weight N(0, 0.02), biases 0.
    [Fact]
    public void InfoGan_networks_start_from_openai_infogan_initialisers()
    {
        var m = new GanModel(Zoo.Defaults(ModelKind.InfoGan), Device.Cpu);
        var weighted = m.G.Modules().Concat(m.D.Modules()).Where(x => x is Linear or Conv2d or ConvTranspose2d).ToList();
        Assert.Equal(4 + 3 + 1 + 2, weighted.Count);   // G: 2 linear + 2 transposed; trunk: 2 conv + 1 linear; D head: 1; Q: 2
        foreach (var l in weighted)
        {
            var (w, b) = l switch { Linear x => (x.Weight, x.Bias), Conv2d x => (x.Weight, x.Bias), ConvTranspose2d x => (x.Weight, x.Bias),
                _ => throw new InvalidOperationException() };
            Assert.InRange(Std(w), 0.018, 0.022);
            Assert.All(b!.ToDoubles(), x => Assert.Equal(0, x));
        }
    }

    [Fact]
    public void A_wgan_gp_config_written_before_the_architecture_key_keeps_the_cs231n_networks_and_a_misfit_is_refused()
    {
        var json = ConfigVersionTests.Fixture("config-v1-wgan-gp.json").Replace("\"architecture\": \"wgan-gp-mnist\",", "")
            .Replace("\"width\": 16,", "");
        Assert.Equal(ArchitectureKind.Dcgan, GanConfig.FromJson(json).Architecture);
        var e = Assert.Throws<ArgumentException>(
            () => Zoo.Validate(Zoo.Defaults(ModelKind.Dcgan) with { Architecture = ArchitectureKind.WganGpMnist }));
        Assert.Equal("model dcgan cannot use architecture wgan-gp-mnist (choose dcgan)", e.Message);
    }

    [Fact]
    public void Crop2d_keeps_the_top_left_and_passes_gradient_only_there()
    {
        var x = new T(NDArray.From(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 1, 4, 4]), requiresGrad: true);
        var y = new Crop2d(3, 3).Call(x);
        Assert.Equal([0, 1, 2, 4, 5, 6, 8, 9, 10], y.ToDoubles());
        y.Sum().Backward();
        Assert.Equal([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0], x.Grad!.ToDoubles());
        Assert.Throws<ArgumentException>(() => new Crop2d(5, 3).Call(x));
    }

    [Fact]
    public void InfoGan_defaults_follow_openai_infogan()
    {
        var c = Zoo.Defaults(ModelKind.InfoGan);
        Assert.Equal((2e-4, 1e-3, 0.5, 128, 62, NoiseKind.Uniform), (c.LrD, c.LrG, c.Beta1, c.BatchSize, c.NoiseDim, c.Noise));
        Assert.Equal((InfoTraining.Both, InfoContinuous.UnitVariance, 1.0, 1.0, 0.01),
            (c.InfoTrains, c.InfoContinuous, c.InfoLambdaCat, c.InfoLambdaCon, c.InfoLeak));
        var gan = new GanModel(c, Device.Cpu);
        Assert.All(gan.D.Modules().OfType<LeakyReLU>(), l => Assert.Equal(0.01, l.Slope));
    }

    [Fact]
    public void With_info_trains_both_D_step_trains_the_trunk_and_Q_with_the_information_term_and_G_step_leaves_Q_alone()
    {
        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 8, Seed = 2 };
        var gan = new GanModel(c, Device.Cpu);
        var info = (InfoGanD)gan.D;
        Assert.Empty(gan.OptG.Parameters.Intersect(info.QHead.Parameters()));
        Assert.Equal(gan.D.Parameters().Count(), gan.OptD.Parameters.Count());

        var d = gan.DLoss(Real(8, new RandomStream(3)));
        Assert.True(d.Loss.Item() > d.Adversarial.Item() + 0.5,
            $"D loss {d.Loss.Item()} should hold the information term over {d.Adversarial.Item()}");   // ≈ ln 10 for an untrained Q

        var q0 = Values(info.QHead.Parameters());
        gan.DStep(Real(8, new RandomStream(4)));
        Assert.True(Moved(info.QHead.Parameters(), q0), "D's step should train Q's head");
        var q1 = Values(info.QHead.Parameters());
        var t1 = Values(info.Trunk.Parameters());
        gan.GStep(8);
        Assert.False(Moved(info.QHead.Parameters(), q1), "G's step must not train Q's head");
        Assert.False(Moved(info.Trunk.Parameters(), t1), "G's step must not train D's trunk");
    }

    [Fact]
    public void With_info_trains_g_and_q_the_old_recipe_G_step_trains_Q_and_D_loss_has_no_information_term()
    {
        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 8, Seed = 2, InfoTrains = InfoTraining.GAndQ };
        var gan = new GanModel(c, Device.Cpu);
        var info = (InfoGanD)gan.D;
        var d = gan.DLoss(Real(8, new RandomStream(3)));
        Assert.Equal(d.Adversarial.Item(), d.Loss.Item());
        var q0 = Values(info.QHead.Parameters());
        var t0 = Values(info.Trunk.Parameters());
        gan.GStep(8);
        Assert.True(Moved(info.QHead.Parameters(), q0), "G's step should train Q's head");
        Assert.False(Moved(info.Trunk.Parameters(), t0), "G's step must not train D's trunk");
    }

    [Fact]
    public void Unit_variance_information_loss_is_half_the_squared_error_summed_over_the_codes()
    {
        var gan = new GanModel(Zoo.Defaults(ModelKind.InfoGan) with { InfoLambdaCat = 0 }, Device.Cpu);
        // Q says mean (0.5, −1) and log-variance 3 (ignored); the codes were (1, 1): ½(0.25 + 4) = 2.125.
        var q = new T(NDArray.From(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f, -1, 3, 3 }, [1, 14]));
        var loss = gan.InfoLoss(q, new T(NDArray.From(new float[] { 2 }, [1])), new T(NDArray.From(new float[] { 1, 1 }, [1, 2])));
        Assert.Equal(2.125, loss.Item(), 5);
    }

    [Fact]
    public void Info_trains_and_the_information_weights_are_train_flags_for_infogan_only()
    {
        var never = TempDirs.Fresh("never-made-");
        OneLineFailure(Run("train", "--model", "dcgan", "--info-trains", "both", "--out", never), "--info-trains is for --model infogan only");
        OneLineFailure(Run("train", "--model", "infogan", "--info-trains", "sometimes"), "--info-trains");
        OneLineFailure(Run("train", "--model", "wgan", "--info-lambda-con", "0.1", "--out", never), "--info-lambda-con is for --model infogan only");
        OneLineFailure(Run("train", "--model", "infogan", "--info-lambda-cat", "-1", "--out", never), "--info-lambda-cat: must be non-negative");
        Assert.False(Directory.Exists(never));
        // The weights reach the run's config.json, and a resumed run keeps them.
        var run = Path.Combine(TempDirs.New().FullName, "info-weights");
        var r = Run("train", "--model", "infogan", "--info-lambda-cat", "2", "--info-lambda-con", "0.1", "--batch-size", "16", "--out", run,
            "--sample-every", "0", "--stop-after", "1");
        Assert.True(r.Code == 0, r.Err);
        var c = GanConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal((2.0, 0.1), (c.InfoLambdaCat, c.InfoLambdaCon));
        OneLineFailure(Run("train", "--resume", run, "--info-lambda-con", "1"), "cannot be changed when resuming");
    }

    [Fact]
    public void Width_sets_gan_mnist_dim_for_wgan_gp_at_28px_only_and_an_older_config_keeps_64()
    {
        var narrow = new GanModel(Zoo.Defaults(ModelKind.WganGp) with { Width = 16 }, Device.Cpu);
        Assert.Equal([16, 32, 64], narrow.D.Modules().OfType<Conv2d>().Select(c => c.Weight.Shape[0]));
        Assert.Equal([32, 16, 1], narrow.G.Modules().OfType<ConvTranspose2d>().Select(c => c.Weight.Shape[1]));
        var old = GanConfig.FromJson("""{ "model": "wgan-gp", "loss": "wgan-gp", "architecture": "wgan-gp-mnist" }""");
        Assert.Equal(64, new GanModel(old, Device.Cpu).D.Modules().OfType<Conv2d>().First().Weight.Shape[0]);
        OneLineFailure(Run("train", "--model", "dcgan", "--width", "32", "--out", TempDirs.Fresh("never-made-")),
            "--width sets the base channel count");
        OneLineFailure(Run("train", "--model", "wgan-gp", "--image-size", "64", "--width", "32", "--out", TempDirs.Fresh("never-made-")), "--width");
        OneLineFailure(Run("train", "--model", "wgan-gp", "--width", "513", "--out", TempDirs.Fresh("never-made-")), "from 1 to 512");
    }
}
