using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Gan;

public class ModelTests
{
    // CS231n's own checks count the generators with noise dimension 4; with 96 the first layer adds 92·1024.
    [Fact]
    public void Parameter_counts_match_the_cs231n_models()
    {
        Assert.Equal(267_009, Architectures.MlpD().ParameterCount);
        Assert.Equal(1_858_320, Architectures.MlpG(4).ParameterCount);
        Assert.Equal(1_858_320 + 92 * 1024, Architectures.MlpG(96).ParameterCount);
        Assert.Equal(1_102_721, Architectures.DcganD().ParameterCount);
        Assert.Equal(6_580_801, Architectures.DcganG(4).ParameterCount);
        Assert.Equal(6_580_801 + 92 * 1024, Architectures.DcganG(96).ParameterCount);
    }

    // PyTorch's counts for NTU ML 2021 HW6's RandomStream(in_dim=100) and Discriminator(3) (feature_dim 64):
    // G = 100·8192 + 2·8192 (BN1d) + 25·(512·256 + 256·128 + 128·64 + 64·3) + 3 + 2·(256 + 128 + 64);
    // D = 25·(3·64 + 64·128 + 128·256 + 256·512) + 64 + 128 + 256 + 512 + 2·(128 + 256 + 512) + 16·512 + 1.
    [Fact]
    public void Ntu_hw6_networks_have_pytorchs_parameter_counts_in_colour()
    {
        Assert.Equal(5_142_083, Architectures.Dcgan64G(100, 3).ParameterCount);
        Assert.Equal(4_316_545, Architectures.Dcgan64D(3).ParameterCount);
        Assert.Equal(5_138_881, Architectures.Dcgan64G(100, 1).ParameterCount);
    }

    [Theory]
    [InlineData(ModelKind.Wgan, false)]
    [InlineData(ModelKind.WganGp, true)]
    public void Wgan_models_at_64px_use_the_hw6_critic_and_only_wgan_gp_drops_batchnorm(ModelKind model, bool instanceNorm)
    {
        var c = Zoo.Defaults(model, 64) with { Channels = 3 };
        Assert.Equal((ArchitectureKind.Dcgan64, 100, NoiseKind.Normal), (c.Architecture, c.NoiseDim, c.Noise));
        var gan = new GanModel(c, Device.Cpu);
        var layers = new List<Module>();
        gan.D.Apply(layers.Add);
        Assert.Equal(instanceNorm, layers.Any(m => m is InstanceNorm2d));
        Assert.Equal(!instanceNorm, layers.Any(m => m is BatchNorm));
        var w = layers.OfType<Conv2d>().ElementAt(1).Weight.ToDoubles();   // 128·64·25 weights drawn from N(0, 0.02)
        double sd = Math.Sqrt(w.Select(v => v * v).Average());
        Assert.InRange(sd, 0.019, 0.021);
        using var _ = GradMode.NoGrad();
        var images = gan.G.Call(gan.Latent(2).Z);
        Assert.Equal([2, 3, 64, 64], images.Shape);
        Assert.Equal([2, 1], gan.D.Call(images).Shape);
    }

    [Theory]
    [InlineData(ModelKind.Vanilla, 28)]
    [InlineData(ModelKind.Dcgan, 28)]
    [InlineData(ModelKind.Dcgan64, 64)]
    [InlineData(ModelKind.InfoGan, 28)]
    public void Output_shapes(ModelKind model, int size)
    {
        var gan = new GanModel(Zoo.Defaults(model), Device.Cpu);
        using var _ = GradMode.NoGrad();
        var images = gan.G.Call(gan.Latent(3).Z);
        Assert.Equal([3, 1, size, size], images.Shape);
        Assert.Equal([3, 1], gan.D.Call(images).Shape);
        Assert.All(images.ToDoubles(), v => Assert.InRange(v, -1, 1));
        if (gan.D is InfoGanD info) Assert.Equal([3, 14], info.Both(images).Q.Shape);
    }

    public static TheoryData<ModelKind, LossKind> StepCases() => Steps(ilgpu: false);
    public static TheoryData<ModelKind, LossKind> IlgpuStepCases() => Steps(ilgpu: true);

    static TheoryData<ModelKind, LossKind> Steps(bool ilgpu)
    {
        var d = new TheoryData<ModelKind, LossKind>();
        foreach (var model in Enum.GetValues<ModelKind>())
            foreach (var loss in Enum.GetValues<LossKind>())
            {
                if (model == ModelKind.InfoGan && Zoo.IsCritic(loss)) continue;
                if (!ilgpu || OnIlgpu(model, loss)) d.Add(model, loss);
            }
        return d;
    }

    /// <summary>
    /// ILGPU's CPU accelerator emulates every kernel launch (seconds for one of these steps), so the device
    /// runs what brings new kernels: each architecture with its own loss, every loss on the MLP, and the
    /// double backward through convolutions (DCGAN with the gradient penalty). The 64×64 model's step
    /// (a few GFLOP) would take minutes there. The CPU backend runs every pair.
    /// </summary>
    static bool OnIlgpu(ModelKind model, LossKind loss) => model != ModelKind.Dcgan64 &&
        (loss == Zoo.Defaults(model).Loss || model == ModelKind.Vanilla || (model == ModelKind.Dcgan && loss == LossKind.WassersteinGp));

    [Theory]
    [MemberData(nameof(StepCases))]
    public void One_training_step_gives_finite_losses_and_moves_both_networks(ModelKind model, LossKind loss) => Step(model, loss, Device.Cpu);

    [Theory, Trait("Category", "Ilgpu")]
    [MemberData(nameof(IlgpuStepCases))]
    public void One_training_step_on_the_ilgpu_device_gives_finite_losses_and_moves_both_networks(ModelKind model, LossKind loss) =>
        Step(model, loss, Devices.Ilgpu);

    static void Step(ModelKind model, LossKind loss, Device device)
    {
        var c = Zoo.Defaults(model) with { Loss = loss, BatchSize = 4, Seed = 3 };
        var gan = new GanModel(c, device);
        var g0 = gan.G.Parameters().Select(p => p.ToDoubles()).ToList();
        var d0 = gan.D.Parameters().Select(p => p.ToDoubles()).ToList();
        var real = new T(NDArray.Uniform([4, 1, c.ImageSize, c.ImageSize], -1, 1, device: gan.Device, g: new RandomStream(9)));
        var d = gan.DStep(real);
        var g = gan.GStep(4);
        Assert.True(double.IsFinite(d.Loss) && double.IsFinite(g.Loss), $"losses D {d.Loss}, G {g.Loss}");
        if (model == ModelKind.InfoGan) Assert.True(double.IsFinite(g.Info));
        // The signals every model records (metrics.csv, the event file): D(x), D(G(z)) and both gradients' norms.
        Assert.True(double.IsFinite(d.Real) && double.IsFinite(d.Fake) && d.GradNorm > 0 && g.GradNorm > 0,
            $"D(x) {d.Real}, D(G(z)) {d.Fake}, |grad D| {d.GradNorm}, |grad G| {g.GradNorm}");
        Assert.Equal(loss == LossKind.WassersteinGp, double.IsFinite(d.Penalty));
        Assert.Contains(gan.G.Parameters().Select(p => p.ToDoubles()).Zip(g0), p => !p.First.SequenceEqual(p.Second));
        Assert.Contains(gan.D.Parameters().Select(p => p.ToDoubles()).Zip(d0), p => !p.First.SequenceEqual(p.Second));
        if (loss == LossKind.Wasserstein)
            Assert.All(gan.D.Parameters().SelectMany(p => p.ToDoubles()), v => Assert.InRange(v, -c.Clip - 1e-7, c.Clip + 1e-7));
    }

    /// <summary>D(x) = w·x with ‖w‖ = 1 has ∇ₓD = w everywhere, so the penalty (‖∇‖ − 1)² is zero.</summary>
    sealed class LinearCritic(double[] w) : Module
    {
        readonly T _w = new(NDArray.From(w, [w.Length, 1], DType.Float64));
        public override T Forward(T x) => x.Reshape(x.Shape[0], -1).MatMul(_w);
    }

    [Fact]
    public void Gradient_penalty_is_zero_for_a_unit_norm_linear_critic_and_positive_otherwise()
    {
        var g = new RandomStream(4);
        var real = new T(NDArray.Normal([5, 1, 2, 2], 0, 1, DType.Float64, g: g));
        var fake = new T(NDArray.Normal([5, 1, 2, 2], 0, 1, DType.Float64, g: g));
        var unit = new[] { 0.5, -0.5, 0.5, 0.5 };
        Assert.Equal(0, GanLosses.GradientPenalty(new LinearCritic(unit), real, fake, g).Item(), 10);
        var p = GanLosses.GradientPenalty(new LinearCritic(unit.Select(v => v * 3).ToArray()), real, fake, g).Item();
        Assert.Equal(4, p, 8);   // ‖∇‖ = 3 → (3 − 1)² = 4
        Assert.True(GanLosses.GradientPenalty(Architectures.DcganD(g).Apply(_ => { }), new T(NDArray.Uniform([2, 1, 28, 28], -1, 1, g: g)),
            new T(NDArray.Uniform([2, 1, 28, 28], -1, 1, g: g)), g).Item() > 0);
    }

    [Fact]
    public void InfoGan_information_loss_falls_on_a_short_run()
    {
        var data = Scratch.Gan.Data.ImageSet.Embedded();
        var gan = new GanModel(Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 32, Seed = 1 }, Device.Cpu);
        var infos = new List<double>();
        var order = new RandomStream(5).Permutation(data.Count);
        for (int it = 0; it < 40; it++)
            using (MemoryScope.Begin())
            {
                gan.DStep(new T(data.Batch(order.AsSpan(it * 32, 32), 28, Device.Cpu)));
                infos.Add(gan.GStep(32).Info);
            }
        double first = infos.Take(5).Average(), last = infos.TakeLast(5).Average();
        Assert.True(last < first * 0.7, $"info loss {first:F3} → {last:F3}");
    }
}
