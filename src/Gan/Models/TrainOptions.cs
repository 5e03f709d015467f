using System.Globalization;
using static Scratch.Gan.Models.ModelKind;

namespace Scratch.Gan.Models;

/// <summary>
/// The table of a run's settings: each declared once, with its help, its default for each model (the
/// paper's or course's recipe, docs/gans.md has the table) and the values it takes. `scratch train`'s
/// options, config.json, `scratch sweep --grid` and the help are made from it, so a new setting is one
/// declaration here plus its GanConfig property (docs/architecture.md). The order is help's and config.json's.
/// Where the defaults come from:
/// <list type="bullet">
/// <item>wgan: martinarjovsky/WassersteinGAN main.py, RMSprop 5e-5, clip 0.01, batch 64, Diters 5 with its warm-up.</item>
/// <item>wgan-gp: igul222/improved_wgan_training gan_mnist.py, its networks, N(0, 1)¹²⁸ noise, Adam 1e-4 (0.5, 0.9), batch 50,
/// 5 critic steps, λ 10; at a quarter of its width (DIM 16, not 64): a step costs about DIM², and 15 minutes on a 2-core CPU
/// give DIM 64 ~540 generator steps.</item>
/// <item>infogan: openai/InfoGAN run_mnist_exp.py, Adam 2e-4 (D) / 1e-3 (G), β₁ 0.5, batch 128, U(−1, 1)⁶² noise, the
/// information term (weight 1, unit-variance continuous codes) in both losses, leak 0.01.</item>
/// <item>wgan and wgan-gp at 64×64: the NTU ML 2021 HW6 networks with HW6's noise, N(0, 1)¹⁰⁰, and batch 64; their losses and optimizers stay.</item>
/// </list>
/// </summary>
public static class TrainOptions
{
    public const ModelKind DefaultModel = Dcgan;

    public static readonly TrainOption<ModelKind> Model = Choice("model", "the GAN to train; its paper's or course's settings are the defaults below",
        r => r.Model) with { DefaultShown = Setting.Name(DefaultModel) };
    public static readonly TrainOption<LossKind> Loss = Choice("loss", "the loss", r => r.Model switch
        { Lsgan => LossKind.LeastSquares, Wgan => LossKind.Wasserstein, WganGp => LossKind.WassersteinGp, _ => LossKind.NonSaturating }, sweep: true);
    public static readonly TrainOption<int> Epochs = Int("epochs", "passes over the data", _ => 5) with { ChangesOnResume = true };
    public static readonly TrainOption<int> BatchSize = Int("batch-size", "images per step",
        r => r.Hw6 ? 64 : r.Model switch { Dcgan64 or Wgan => 64, WganGp => 50, _ => 128 }, sweep: true);
    /// <summary>Sets both learning rates; --lr-d and --lr-g, given too, win.</summary>
    public static readonly TrainOption<double> Lr = Real("lr", "learning rate of both networks (sets --lr-d and --lr-g)", null, sweep: true,
        set: (c, v) => c with { LrD = v, LrG = v });
    public static readonly TrainOption<double> LrD = Real("lr-d", "D's (critic's) learning rate",
        r => r.Model switch { Dcgan64 or InfoGan => 2e-4, Wgan => 5e-5, WganGp => 1e-4, _ => 1e-3 }, sweep: true);
    public static readonly TrainOption<double> LrG = Real("lr-g", "G's learning rate",
        r => r.Model switch { Dcgan64 => 2e-4, Wgan => 5e-5, WganGp => 1e-4, _ => 1e-3 }, sweep: true);
    public static readonly TrainOption<double> Beta1 = Real("beta1", "Adam's first-moment decay, below 1", _ => 0.5,
        zero: true, below: 1, sweep: true);
    public static readonly TrainOption<double> Beta2 = Real("beta2", "Adam's second-moment decay, below 1", r => r.Model == WganGp ? 0.9 : 0.999,
        zero: true, below: 1, sweep: true);
    public static readonly TrainOption<int> NCritic = Int("n-critic", "D steps per G step", r => r.Model is Wgan or WganGp ? 5 : 1, sweep: true);
    public static readonly TrainOption<CriticSchedule> CriticSchedule = Choice("critic-schedule",
        "critic steps per G step over time: always --n-critic, or the WGAN reference code's warm-up (100 for the first 25 G steps and every 500th)",
        r => r.Model == Wgan ? Models.CriticSchedule.WganWarmup : Models.CriticSchedule.Constant);
    public static readonly TrainOption<InfoTraining> InfoTrains = Choice("info-trains", "infogan: which losses carry the information term: " +
        "both D's and G's (openai/InfoGAN), or G's only, whose optimizer then also trains Q's head", _ => InfoTraining.Both)
        with { OnlyFor = InfoGan };
    public static readonly TrainOption<double> InfoLambdaCat = Real("info-lambda-cat", "infogan: weight of the categorical code's information term " +
        "(λ in the paper)", _ => 1, zero: true, sweep: true) with { OnlyFor = InfoGan };
    public static readonly TrainOption<double> InfoLambdaCon = Real("info-lambda-con", "infogan: weight of the continuous codes' information term; " +
        "the paper advises below 1, openai/InfoGAN uses 1", _ => 1, zero: true, sweep: true) with { OnlyFor = InfoGan };
    /// <summary>Information maximisation on real digits (Models/InfoMax.cs); 0, the default, is openai/InfoGAN's recipe.</summary>
    public static readonly TrainOption<double> InfoMax = Real("info-max", "infogan: weight of information maximisation on real digits " +
        "(IMSAT: Q sorts each real batch confidently, evenly and shift-invariantly into its categories; no labels); 0 = openai/InfoGAN",
        _ => 0, zero: true, sweep: true) with { OnlyFor = InfoGan };
    /// <summary>What a real digit's category must survive under --info-max (Models/InfoMax.cs).</summary>
    public static readonly TrainOption<InfoMaxAugment> InfoMaxAugment = Choice("info-max-augment", "infogan, with --info-max: what a real digit's " +
        "category must survive: shifts of up to 2 pixels, or affine (also a rotation of up to 15° and a scale change of up to 10 %)",
        _ => Models.InfoMaxAugment.Shift, sweep: true) with { OnlyFor = InfoGan };
    /// <summary>The last iteration that --info-max trains (Models/InfoMax.cs); 0, the default, is every iteration.</summary>
    public static readonly TrainOption<int> InfoMaxUntil = Int("info-max-until", "infogan, with --info-max: the last iteration it trains; " +
        "after it, openai/InfoGAN's losses alone (the categories it founded stay; G's samples vary more); 0 = every iteration",
        _ => 0, min: 0, sweep: true) with { OnlyFor = InfoGan };
    /// <summary>IMSAT's virtual adversarial training on top of --info-max's shift (Models/InfoMax.cs); 0, the default, is shifts only.</summary>
    public static readonly TrainOption<double> InfoMaxVat = Real("info-max-vat",
        "infogan, with --info-max: the L2 radius per image (pixels in [-1, 1]) " +
        "of the perturbation that most changes Q's categories, which they must withstand as they withstand shifts (IMSAT's VAT); 0 = shifts only",
        _ => 0, zero: true, sweep: true) with { OnlyFor = InfoGan };
    /// <summary>Q's model of the continuous codes: openai/InfoGAN's fix_std.</summary>
    public static readonly TrainOption<InfoContinuous> InfoContinuous = Choice("info-continuous", "infogan: Q's model of the continuous codes",
        _ => Models.InfoContinuous.UnitVariance) with { OnlyFor = InfoGan, OnCommandLine = false };
    /// <summary>LeakyReLU slope in InfoGAN's discriminator and Q head: openai/InfoGAN's 0.01 (the paper says 0.1).</summary>
    public static readonly TrainOption<double> InfoLeak = Real("info-leak", "infogan: LeakyReLU slope of D and Q", _ => 0.01, zero: true)
        with { OnlyFor = InfoGan, OnCommandLine = false };
    /// <summary>Null where the networks are not wgan-gp-mnist: they have no such width.</summary>
    public static readonly TrainOption<int?> Width = new("width", "wgan-gp at 28×28: base channel count of its networks " +
        "(DIM in gan_mnist.py, which uses 64; a step costs about DIM²)", "N", s => ParseInt(s),
        v => v is < 1 or > MaxWidth ? $"from 1 to {MaxWidth} channels (got {v})" : null, r => r.Model == WganGp && !r.Hw6 ? 16 : null);
    public static readonly TrainOption<double> Clip = Real("clip", "WGAN weight clipping bound", _ => 0.01, sweep: true);
    public static readonly TrainOption<double> GpLambda = Real("gp-lambda", "WGAN-GP gradient penalty weight", _ => 10, zero: true, sweep: true);
    public static readonly TrainOption<int> NoiseDim = Int("noise-dim", "length of G's noise vector",
        r => r.Hw6 ? 100 : r.Model switch { Dcgan64 => 100, WganGp => 128, InfoGan => 62, _ => 96 }, sweep: true);
    public static readonly TrainOption<NoiseKind> Noise = Choice("noise", "noise distribution: U(-1, 1) or N(0, 1)",
        r => r.Hw6 || r.Model is Dcgan64 or WganGp ? NoiseKind.Normal : NoiseKind.Uniform, sweep: true);
    public static readonly TrainOption<int> ImageSize = Int("image-size", "image side in pixels; 64 for the NTU HW6 wgan / wgan-gp",
        r => r.ImageSize);
    public static readonly TrainOption<OptimizerKind> Optimizer = Choice("optimizer", "the optimizer",
        r => r.Model == Wgan ? OptimizerKind.RmsProp : OptimizerKind.Adam, sweep: true);
    /// <summary>The networks: the model's family at its image size (Models/Architectures.cs).</summary>
    public static readonly TrainOption<ArchitectureKind> Architecture = Choice("architecture", "the networks", r => r.Hw6 ? ArchitectureKind.Dcgan64
        : r.Model switch
        {
            Vanilla or Lsgan => ArchitectureKind.Mlp, Dcgan or Wgan => ArchitectureKind.Dcgan, Dcgan64 => ArchitectureKind.Dcgan64,
            WganGp => ArchitectureKind.WganGpMnist, InfoGan => ArchitectureKind.InfoGan,
        }) with { OnCommandLine = false };
    /// <summary>Not given, the 64×64 networks follow the data (TrainCommand asks it); the others are grey.</summary>
    public static readonly TrainOption<int> Channels = new("channels", "1 grey or 3 RGB (3 only for the 64×64 models)", "1|3", s => ParseInt(s),
        v => v is 1 or 3 ? null : $"1 (grey) or 3 (RGB) (got {v})", _ => 1) { DefaultShown = "from the data", Completions = ["1", "3"] };
    /// <summary>A full path, so --resume finds the data from any working folder.</summary>
    public static readonly TrainOption<string> Data = new("data", "a folder of IDX files (t10k files, if any, are held out for eval) " +
        "or of .png/.jpg pictures", "DIR", Path.GetFullPath, _ => null, _ => "embedded") { DefaultShown = "the embedded 10,000 MNIST digits" };
    /// <summary>Checked when the run starts: a device is offered only after it has run a test kernel.</summary>
    public static readonly TrainOption<string> Device = new("device", "where to compute; `scratch devices` lists what works here",
        string.Join("|", Tensors.Device.Choices), s => s, _ => null, _ => "auto")
        { DefaultShown = "auto, or $SCRATCH_DEVICE", Completions = Tensors.Device.Choices, ChangesOnResume = true };
    public static readonly TrainOption<ulong> Seed = new("seed", "seed of every random stream of the run", "N",
        s => (ulong)NonNegative(ParseInt(s)), _ => null, _ => 0) { Sweepable = true };
    public static readonly TrainOption<int> SampleEvery = Int("sample-every", "save a sample grid every N iterations, 0 never", _ => 250, min: 0);
    public static readonly TrainOption<int> CheckpointEvery = Int("checkpoint-every", "keep a checkpoint every N iterations, 0 never " +
        "(latest is kept each epoch)", _ => 1000, min: 0);
    public static readonly TrainOption<int> EvalEvery = Int("eval-every", "measure the samples every N epochs, 0 never (docs/evaluation.md)",
        _ => 0, min: 0);
    public static readonly TrainOption<int> EvalN = Int("eval-n", "samples per evaluation during training", _ => 2000, min: 10);

    /// <summary>Every setting, in help's and config.json's order (--lr before --lr-d and --lr-g, which it sets).</summary>
    public static readonly TrainOption[] All = [Model, Loss, Epochs, BatchSize, Lr, LrD, LrG, Beta1, Beta2, NCritic, CriticSchedule, InfoTrains,
        InfoLambdaCat, InfoLambdaCon, InfoMax, InfoMaxAugment, InfoMaxVat, InfoMaxUntil, InfoContinuous, InfoLeak, Width, Clip, GpLambda,
        NoiseDim, Noise, ImageSize, Optimizer, Architecture,
        Channels, Data, Device, Seed, SampleEvery, CheckpointEvery, EvalEvery, EvalN];

    /// <summary>A sanity bound on --width: DIM 512 already costs about 64× a step at gan_mnist.py's DIM 64.</summary>
    public const int MaxWidth = 512;

    /// <summary>The settings a recipe starts from, before any option is given.</summary>
    public static GanConfig Defaults(Recipe r) => All.Aggregate(new GanConfig(), (c, o) => o.ApplyDefault(c, r));

    /// <summary>
    /// The config of a new run: the defaults of the model (and image size) given, then each given option
    /// (text its <see cref="TrainOption.Check"/> accepted). An ArgumentException names an option the model does not use.
    /// </summary>
    public static GanConfig FromGiven(IReadOnlyDictionary<TrainOption, string> given)
    {
        var model = given.TryGetValue(Model, out var m) ? Model.Parse(m) : DefaultModel;
        var c = Defaults(Recipe.Of(model, given.TryGetValue(ImageSize, out var size) ? ImageSize.Parse(size) : null));
        foreach (var o in All.Where(given.ContainsKey))
        {
            if (o.OnlyFor is { } only && only != model)
                throw new ArgumentException($"--{o.Name} is for --model {Setting.Name(only)} only; model {Setting.Name(model)} does not use it");
            c = o.Apply(c, given[o]);
        }
        return c;
    }

    static TrainOption<int> Int(string name, string help, Func<Recipe, int> dflt, int min = 1, bool sweep = false) =>
        new(name, help, "N", ParseInt, v => v < min ? $"must be at least {min} (got {v})" : null, dflt) { Sweepable = sweep };

    /// <summary>A real number: positive, or non-negative with <paramref name="zero"/>; below <paramref name="below"/>.</summary>
    static TrainOption<double> Real(string name, string help, Func<Recipe, double>? dflt, bool zero = false, double below = double.PositiveInfinity,
        bool sweep = false, Func<GanConfig, double, GanConfig>? set = null) =>
        new(name, help, "X", ParseReal, v => v > 0 || (zero && v == 0) ? v < below ? null : $"must be below {below} (got {Show(v)})"
            : $"must be {(zero ? "non-negative" : "positive")} (got {Show(v)})", dflt, set) { Sweepable = sweep };

    static TrainOption<T> Choice<T>(string name, string help, Func<Recipe, T> dflt, bool sweep = false) where T : struct, Enum =>
        new(name, help, string.Join("|", Setting.Names<T>()), Setting.Parse<T>,
            v => Enum.IsDefined(v) ? null : $"{v} is not one of its choices", dflt)
        { Completions = Setting.Names<T>(), Sweepable = sweep };

    static int ParseInt(string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"'{s}' is not a whole number");

    static int NonNegative(int v) => v >= 0 ? v : throw new FormatException($"must be at least 0 (got {v})");

    static double ParseReal(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new FormatException($"'{s}' is not a number");

    static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
