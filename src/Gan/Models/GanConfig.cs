using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scratch.Gan.Models;

/// <summary>
/// Every hyperparameter of a run. Saved as config.json in the run folder and used to resume; the
/// settings (model, loss, noise, optimizer) are enums written by name (Settings.cs), so a config.json
/// reads the same as before they were typed.
/// </summary>
public sealed record GanConfig
{
    public ModelKind Model { get; init; } = ModelKind.Dcgan;
    public LossKind Loss { get; init; } = LossKind.NonSaturating;
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;
    public double LrD { get; init; } = 1e-3;
    public double LrG { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.5;
    public double Beta2 { get; init; } = 0.999;
    public int NCritic { get; init; } = 1;
    public double Clip { get; init; } = 0.01;
    public double GpLambda { get; init; } = 10;
    public int NoiseDim { get; init; } = 96;
    public NoiseKind Noise { get; init; } = NoiseKind.Uniform;
    public int ImageSize { get; init; } = 28;
    /// <summary>1 = grey, 3 = RGB. Configs written before colour support have no such key and load as 1.</summary>
    public int Channels { get; init; } = 1;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public string Data { get; init; } = "embedded";
    public string Device { get; init; } = "auto";
    public ulong Seed { get; init; } = 0;
    public int SampleEvery { get; init; } = 250;
    public int CheckpointEvery { get; init; } = 1000;
    /// <summary>Evaluate G's samples every this many epochs (0: never); see docs/evaluation.md.</summary>
    public int EvalEvery { get; init; } = 0;
    /// <summary>Samples per evaluation during training (fewer than `scratch eval`'s 10,000, to keep epochs short).</summary>
    public int EvalN { get; init; } = 2000;
    public double InfoLambdaCat { get; init; } = 1;
    public double InfoLambdaCon { get; init; } = 0.1;

    // Settings added after runs were already saved. Each is absent (null) in an older config.json and
    // then means what that run trained with, so --resume continues the same recipe; Zoo.Defaults names
    // them for new runs, and they are written only when named. The Effective* properties resolve the null.

    /// <summary>The networks; null: the model's family at its image size (Zoo.Architecture).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ArchitectureKind? Architecture { get; init; }
    /// <summary>Which losses carry InfoGAN's information term; null: g-and-q, what runs before the setting used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public InfoTraining? InfoTrains { get; init; }
    /// <summary>Q's model of the continuous codes; null: learnt-variance, what runs before the setting used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public InfoContinuous? InfoContinuous { get; init; }
    /// <summary>LeakyReLU slope in InfoGAN's discriminator and Q head; null: 0.1 (the paper's), what runs before the setting used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? InfoLeak { get; init; }
    /// <summary>Critic steps per generator step over time; null: constant, what runs before the setting used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CriticSchedule? CriticSchedule { get; init; }
    /// <summary>Base channel count of the wgan-gp-mnist networks (DIM in gan_mnist.py); null: 64, the file's, what runs before the setting used.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Width { get; init; }

    [JsonIgnore] public InfoTraining EffectiveInfoTrains => InfoTrains ?? InfoTraining.GAndQ;
    [JsonIgnore] public InfoContinuous EffectiveInfoContinuous => InfoContinuous ?? Models.InfoContinuous.LearntVariance;
    [JsonIgnore] public double EffectiveInfoLeak => InfoLeak ?? 0.1;
    [JsonIgnore] public CriticSchedule EffectiveCriticSchedule => CriticSchedule ?? Models.CriticSchedule.Constant;
    [JsonIgnore] public int EffectiveWidth => Width ?? Architectures.WganGpMnistWidth;
    public string Version { get; init; } = typeof(GanConfig).Assembly.GetName().Version?.ToString(3) ?? "0";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    /// <summary>Parses a config; <paramref name="source"/> names the file (or checkpoint) in the one-line error a bad one gives.</summary>
    public static GanConfig FromJson(string s, string source = "config.json")
    {
        try { return JsonSerializer.Deserialize<GanConfig>(s, Json) ?? throw new InvalidDataException($"{source}: empty (the JSON is null)"); }
        // A setting with an unknown name ("model": "stylegan"): the converter's message names it.
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: {e.Message}"); }
        catch (JsonException e)
        {
            // The reader's message points at the offending line and byte; keep that much, on one line.
            var where = e.LineNumber is long l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{source}: not a valid Scratch run config{where}; it is damaged or not a config.json");
        }
    }
}
