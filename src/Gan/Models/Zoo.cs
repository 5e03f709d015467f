namespace Scratch.Gan.Models;

/// <summary>
/// The zoo: each model picks an architecture, a default loss and the hyperparameters of the
/// paper or course it comes from (docs/gans.md has the table).
/// </summary>
public static class Zoo
{
    public static string[] ModelNames => Setting.Names<ModelKind>();
    public static string[] LossNames => Setting.Names<LossKind>();

    /// <summary>
    /// The defaults for a model (before command-line overrides). wgan and wgan-gp at 64×64 use the
    /// NTU HW6 networks, and with them HW6's noise, N(0, 1)¹⁰⁰; their losses and optimizers stay.
    /// </summary>
    public static GanConfig Defaults(ModelKind model, int imageSize) =>
        model is ModelKind.Wgan or ModelKind.WganGp && imageSize == 64
            ? Defaults(model) with { ImageSize = 64, NoiseDim = 100, Noise = NoiseKind.Normal, Architecture = null, Width = null, BatchSize = 64 }
            : Defaults(model);

    /// <summary>The defaults for a model (before command-line overrides).</summary>
    public static GanConfig Defaults(ModelKind model) => model switch
    {
        ModelKind.Vanilla => new GanConfig { Model = model, Loss = LossKind.NonSaturating, LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        ModelKind.Lsgan => new GanConfig { Model = model, Loss = LossKind.LeastSquares, LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        ModelKind.Dcgan => new GanConfig { Model = model, Loss = LossKind.NonSaturating, LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        ModelKind.Dcgan64 => new GanConfig { Model = model, Loss = LossKind.NonSaturating, LrD = 2e-4, LrG = 2e-4, BatchSize = 64, NoiseDim = 100, Noise = NoiseKind.Normal, ImageSize = 64 },
        // martinarjovsky/WassersteinGAN main.py: RMSprop 5e-5, clip 0.01, batch 64, Diters 5 with its warm-up.
        ModelKind.Wgan => new GanConfig { Model = model, Loss = LossKind.Wasserstein, Optimizer = OptimizerKind.RmsProp, LrD = 5e-5, LrG = 5e-5, NCritic = 5, BatchSize = 64,
            CriticSchedule = Models.CriticSchedule.WganWarmup },
        // igul222/improved_wgan_training gan_mnist.py: its networks, N(0, 1)¹²⁸ noise, Adam 1e-4 (0.5, 0.9), batch 50, 5 critic steps, λ 10;
        // at a quarter of its width (DIM 16, not 64): a step costs about DIM², and 15 minutes on a 2-core CPU give DIM 64 ~540 generator steps.
        ModelKind.WganGp => new GanConfig { Model = model, Loss = LossKind.WassersteinGp, LrD = 1e-4, LrG = 1e-4, Beta1 = 0.5, Beta2 = 0.9, NCritic = 5, BatchSize = 50,
            NoiseDim = 128, Noise = NoiseKind.Normal, Architecture = ArchitectureKind.WganGpMnist, Width = 16 },
        // openai/InfoGAN run_mnist_exp.py: Adam 2e-4 (D) / 1e-3 (G), β₁ 0.5, batch 128, U(−1, 1)⁶² noise,
        // the information term (weight 1, unit-variance continuous codes) in both losses, leak 0.01.
        ModelKind.InfoGan => new GanConfig { Model = model, Loss = LossKind.NonSaturating, LrD = 2e-4, LrG = 1e-3, NoiseDim = 62, BatchSize = 128,
            InfoTrains = InfoTraining.Both, InfoContinuous = Models.InfoContinuous.UnitVariance, InfoLambdaCon = 1, InfoLeak = 0.01 },
    };

    /// <summary>The architecture family behind a config: its model, and for wgan/wgan-gp the image size.</summary>
    public static ArchitectureKind Architecture(GanConfig c) =>
        c.Architecture ?? (c.Model is ModelKind.Wgan or ModelKind.WganGp && c.ImageSize == 64 ? ArchitectureKind.Dcgan64 : Architecture(c.Model));

    /// <summary>The architecture family behind a model at 28×28 in configs that do not name one (written before wgan-gp-mnist).</summary>
    static ArchitectureKind Architecture(ModelKind model) => model switch
    {
        ModelKind.Vanilla or ModelKind.Lsgan => ArchitectureKind.Mlp,
        ModelKind.Dcgan or ModelKind.Wgan or ModelKind.WganGp => ArchitectureKind.Dcgan,
        ModelKind.Dcgan64 => ArchitectureKind.Dcgan64,
        ModelKind.InfoGan => ArchitectureKind.InfoGan,
    };

    /// <summary>The Wasserstein losses: D is a critic whose negated loss estimates W₁, and its loss has no floor at 0.</summary>
    public static bool IsCritic(LossKind loss) => loss switch
    {
        LossKind.Wasserstein or LossKind.WassersteinGp => true,
        LossKind.NonSaturating or LossKind.Minimax or LossKind.LeastSquares => false,
    };

    /// <summary>A sanity bound on --width: DIM 512 already costs about 64× a step at gan_mnist.py's DIM 64.</summary>
    public const int MaxWidth = 512;

    /// <summary>Rejects combinations that make no sense, with the reason.</summary>
    public static void Validate(GanConfig c)
    {
        if (!Enum.IsDefined(c.Model) || !Enum.IsDefined(c.Loss) || !Enum.IsDefined(c.Noise) || !Enum.IsDefined(c.Optimizer))
            throw new ArgumentException("the config holds a setting outside its choices");
        string model = Setting.Name(c.Model);
        if (c.Model == ModelKind.InfoGan && IsCritic(c.Loss))
            throw new ArgumentException($"model infogan cannot use loss {Setting.Name(c.Loss)}: its Q head shares the discriminator's trunk, which a critic's loss does not train as a classifier (use nonsaturating, minimax or lsgan)");
        if (c.Architecture is { } named && !Enum.IsDefined(named)) throw new ArgumentException("the config holds a setting outside its choices");
        var arch = Architecture(c);
        // A named architecture must be one the model can use: wgan-gp-mnist is a critic (no sigmoid, no
        // BatchNorm), for the Wasserstein models at 28×28; the others are what the model and size pick.
        var fits = c.Model is ModelKind.Wgan or ModelKind.WganGp && c.ImageSize == 28 ? [ArchitectureKind.Dcgan, ArchitectureKind.WganGpMnist]
            : new[] { c.Model is ModelKind.Wgan or ModelKind.WganGp && c.ImageSize == 64 ? ArchitectureKind.Dcgan64 : Architecture(c.Model) };
        if (c.Architecture != null && c.ImageSize is 28 or 64 && !fits.Contains(arch))
            throw new ArgumentException($"model {model} cannot use architecture {Setting.Name(arch)} (choose {string.Join(" or ", fits.Select(Setting.Name))})");
        int size = arch == ArchitectureKind.Dcgan64 ? 64 : 28;
        if (c.ImageSize != size)
            throw new ArgumentException($"model {model} makes {(c.Model is ModelKind.Wgan or ModelKind.WganGp ? "28×28 or 64×64" : $"{size}×{size}")} images; --image-size {c.ImageSize} does not fit it");
        if (c.Channels is not (1 or 3)) throw new ArgumentException($"--channels {c.Channels}: 1 (grey) or 3 (RGB)");
        if (c.Channels == 3 && arch != ArchitectureKind.Dcgan64)
            throw new ArgumentException($"model {model} at {c.ImageSize}×{c.ImageSize} makes grey images only; for colour use dcgan64, or wgan / wgan-gp with --image-size 64 (or pass --channels 1)");
        if (c.Model == ModelKind.InfoGan && c.NoiseDim < 1) throw new ArgumentException("infogan needs a noise dimension of at least 1");
        if (c.Width != null && arch != ArchitectureKind.WganGpMnist)
            throw new ArgumentException($"--width sets the base channel count of the {Setting.Name(ArchitectureKind.WganGpMnist)} networks (wgan-gp at 28×28); model {model} uses {Setting.Name(arch)}");
        if (c.Width is < 1 or > MaxWidth) throw new ArgumentException($"--width {c.Width}: from 1 to {MaxWidth} channels");
    }
}
