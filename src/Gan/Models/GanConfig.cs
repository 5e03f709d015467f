namespace Scratch.Gan.Models;

/// <summary>
/// Every setting of a run, typed. What each one means, its default per model and the values it takes are
/// declared once, in <see cref="TrainOptions"/>; start a config from <see cref="Zoo.Defaults(ModelKind)"/>
/// (a bare GanConfig holds zeros). Saved as the run folder's config.json (<see cref="ConfigFile"/>) and read
/// back to resume.
/// </summary>
public sealed record GanConfig
{
    public ModelKind Model { get; init; }
    public LossKind Loss { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public double LrD { get; init; }
    public double LrG { get; init; }
    public double Beta1 { get; init; }
    public double Beta2 { get; init; }
    public int NCritic { get; init; }
    public CriticSchedule CriticSchedule { get; init; }
    public InfoTraining InfoTrains { get; init; }
    public double InfoLambdaCat { get; init; }
    public double InfoLambdaCon { get; init; }
    /// <summary>InfoGAN: weight of information maximisation on real digits (<see cref="Models.InfoMax"/>); 0 = off.</summary>
    public double InfoMax { get; init; }
    /// <summary>InfoGAN with InfoMax: what a real digit's category must survive.</summary>
    public InfoMaxAugment InfoMaxAugment { get; init; }
    /// <summary>InfoGAN with InfoMax: the radius of its virtual adversarial perturbation (InfoMax.AdversarialInconsistency); 0 = off.</summary>
    public double InfoMaxVat { get; init; }
    /// <summary>InfoGAN with InfoMax: the last iteration InfoMax trains; 0 = every iteration (<see cref="GanModel.InfoMaxOn"/>).</summary>
    public int InfoMaxUntil { get; init; }
    public InfoContinuous InfoContinuous { get; init; }
    public double InfoLeak { get; init; }
    /// <summary>Base channel count of the wgan-gp-mnist networks (DIM in gan_mnist.py); null for the other networks.</summary>
    public int? Width { get; init; }
    public double Clip { get; init; }
    public double GpLambda { get; init; }
    public int NoiseDim { get; init; }
    public NoiseKind Noise { get; init; }
    public int ImageSize { get; init; }
    public OptimizerKind Optimizer { get; init; }
    public ArchitectureKind Architecture { get; init; }
    /// <summary>1 = grey, 3 = RGB.</summary>
    public int Channels { get; init; }
    public string Data { get; init; } = "";
    public string Device { get; init; } = "";
    public ulong Seed { get; init; }
    public int SampleEvery { get; init; }
    public int CheckpointEvery { get; init; }
    /// <summary>Evaluate G's samples every this many epochs (0: never); see docs/evaluation.md.</summary>
    public int EvalEvery { get; init; }
    /// <summary>Samples per evaluation during training (fewer than `scratch eval`'s 10,000, to keep epochs short).</summary>
    public int EvalN { get; init; }
    /// <summary>The Scratch that started the run ("0.1.0"); null when its config.json did not say.</summary>
    public string? ScratchVersion { get; init; } = typeof(GanConfig).Assembly.GetName().Version?.ToString(3);

    public string ToJson() => ConfigFile.Write(this);
    /// <summary>
    /// Reads, upgrades and validates a config; <paramref name="source"/> names the file (or checkpoint) in the one-line error a bad one gives.
    /// </summary>
    public static GanConfig FromJson(string s, string source = "config.json") => ConfigFile.Read(s, source);
}
