namespace Scratch.Gan.Models;

/// <summary>
/// The zoo: each model's defaults, the architecture, loss and hyperparameters of the paper or course it
/// comes from (declared per setting in TrainOptions; docs/gans.md has the table), and the rules a config must keep.
/// </summary>
public static class Zoo
{
    public static string[] ModelNames => Setting.Names<ModelKind>();
    public static string[] LossNames => Setting.Names<LossKind>();

    /// <summary>A model's defaults at an image size (wgan and wgan-gp at 64 take NTU HW6's networks and noise): TrainOptions declares them.</summary>
    public static GanConfig Defaults(ModelKind model, int imageSize) => TrainOptions.Defaults(Recipe.Of(model, imageSize));

    /// <summary>A model's defaults at its own image size, before any option is given.</summary>
    public static GanConfig Defaults(ModelKind model) => TrainOptions.Defaults(Recipe.Of(model));

    /// <summary>The Wasserstein losses: D is a critic whose negated loss estimates W₁, and its loss has no floor at 0.</summary>
    public static bool IsCritic(LossKind loss) => loss switch
    {
        LossKind.Wasserstein or LossKind.WassersteinGp => true,
        LossKind.NonSaturating or LossKind.Minimax or LossKind.LeastSquares => false,
    };

    /// <summary>
    /// Rejects a config whose settings are out of range or do not fit together, with the reason: once per run,
    /// where the config is made (the command line, or config.json read back). GanModel trusts what it is given.
    /// </summary>
    public static void Validate(GanConfig c)
    {
        foreach (var o in TrainOptions.All)
            if (o.CheckValue(c) is { } why) throw new ArgumentException($"{o.ConfigKey}: {why}");
        string model = Setting.Name(c.Model);
        if (c.Model == ModelKind.InfoGan && IsCritic(c.Loss))
            throw new ArgumentException(
                $"model infogan cannot use loss {Setting.Name(c.Loss)}: its Q head shares the discriminator's trunk, " +
                "which a critic's loss does not train as a classifier (use nonsaturating, minimax or lsgan)");
        if (c.InfoMax > 0 && c.InfoTrains != InfoTraining.Both)
            throw new ArgumentException("--info-max trains Q on real digits in D's step, which trains Q only with --info-trains both");
        if (c.InfoMaxVat > 0 && c.InfoMax == 0)
            throw new ArgumentException("--info-max-vat adds a term to --info-max's information maximisation; give --info-max a weight above 0");
        if (c.InfoMaxAugment != InfoMaxAugment.Shift && c.InfoMax == 0)
            throw new ArgumentException("--info-max-augment sets what --info-max's categories must survive; give --info-max a weight above 0");
        if (c.InfoMaxUntil > 0 && c.InfoMax == 0)
            throw new ArgumentException("--info-max-until ends --info-max's information maximisation; give --info-max a weight above 0");
        var arch = c.Architecture;
        // The networks must be ones the model can use: wgan-gp-mnist is a critic (no sigmoid, no BatchNorm), for the
        // Wasserstein models at 28×28; the others are what the model and size pick.
        ArchitectureKind[] fits = c.Model is ModelKind.Wgan or ModelKind.WganGp
            ? c.ImageSize == 64 ? [ArchitectureKind.Dcgan64] : [ArchitectureKind.Dcgan, ArchitectureKind.WganGpMnist]
            : [TrainOptions.Architecture.Default(Recipe.Of(c.Model))];
        if (c.ImageSize is 28 or 64 && !fits.Contains(arch))
            throw new ArgumentException(
                $"model {model} cannot use architecture {Setting.Name(arch)} (choose {string.Join(" or ", fits.Select(Setting.Name))})");
        int size = arch == ArchitectureKind.Dcgan64 ? 64 : 28;
        if (c.ImageSize != size)
            throw new ArgumentException($"model {model} makes {(c.Model is ModelKind.Wgan or ModelKind.WganGp ? "28×28 or 64×64"
                : $"{size}×{size}")} images; --image-size {c.ImageSize} does not fit it");
        if (c.Channels == 3 && arch != ArchitectureKind.Dcgan64)
            throw new ArgumentException(
                $"model {model} at {c.ImageSize}×{c.ImageSize} makes grey images only; " +
                "for colour use dcgan64, or wgan / wgan-gp with --image-size 64 (or pass --channels 1)");
        if (c.Width != null && arch != ArchitectureKind.WganGpMnist)
            throw new ArgumentException(
                $"--width sets the base channel count of the {Setting.Name(ArchitectureKind.WganGpMnist)} networks (wgan-gp at 28×28); " +
                $"model {model} uses {Setting.Name(arch)}");
        if (c.Width == null && arch == ArchitectureKind.WganGpMnist)
            throw new ArgumentException($"the {Setting.Name(ArchitectureKind.WganGpMnist)} networks need a width (--width)");
    }
}
