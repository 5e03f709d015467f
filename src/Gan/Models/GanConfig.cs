using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scratch.Gan.Models;

/// <summary>Every hyperparameter of a run. Saved as config.json in the run folder and used to resume.</summary>
public sealed record GanConfig
{
    public string Model { get; init; } = "dcgan";
    public string Loss { get; init; } = "nonsaturating";
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
    /// <summary>"uniform" = U(−1, 1) as in CS231n, "normal" = N(0, 1).</summary>
    public string Noise { get; init; } = "uniform";
    public int ImageSize { get; init; } = 28;
    public string Optimizer { get; init; } = "adam";
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
    public string Version { get; init; } = typeof(GanConfig).Assembly.GetName().Version?.ToString(3) ?? "0";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static GanConfig FromJson(string s) => JsonSerializer.Deserialize<GanConfig>(s, Json) ?? throw new InvalidDataException("config.json is empty");
}

/// <summary>
/// The zoo: each model name picks an architecture, a default loss and the hyperparameters of the
/// paper or course it comes from (docs/gans.md has the table).
/// </summary>
public static class Zoo
{
    public static readonly string[] ModelNames = ["vanilla", "lsgan", "dcgan", "dcgan64", "wgan", "wgan-gp", "infogan"];
    public static readonly string[] LossNames = ["nonsaturating", "minimax", "lsgan", "wgan", "wgan-gp"];

    /// <summary>The defaults for a model (before command-line overrides).</summary>
    public static GanConfig Defaults(string model) => model switch
    {
        "vanilla" => new GanConfig { Model = model, Loss = "nonsaturating", LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        "lsgan" => new GanConfig { Model = model, Loss = "lsgan", LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        "dcgan" => new GanConfig { Model = model, Loss = "nonsaturating", LrD = 1e-3, LrG = 1e-3, BatchSize = 128 },
        "dcgan64" => new GanConfig { Model = model, Loss = "nonsaturating", LrD = 2e-4, LrG = 2e-4, BatchSize = 64, NoiseDim = 100, Noise = "normal", ImageSize = 64 },
        "wgan" => new GanConfig { Model = model, Loss = "wgan", Optimizer = "rmsprop", LrD = 5e-5, LrG = 5e-5, NCritic = 5, BatchSize = 64 },
        "wgan-gp" => new GanConfig { Model = model, Loss = "wgan-gp", LrD = 1e-4, LrG = 1e-4, Beta1 = 0.5, Beta2 = 0.9, NCritic = 5, BatchSize = 64 },
        "infogan" => new GanConfig { Model = model, Loss = "nonsaturating", LrD = 2e-4, LrG = 1e-3, NoiseDim = 62, BatchSize = 64 },
        _ => throw new ArgumentException($"unknown model '{model}' (choose one of {string.Join(", ", ModelNames)})"),
    };

    /// <summary>The architecture family behind a model name.</summary>
    public static string Architecture(string model) => model switch
    {
        "vanilla" or "lsgan" => "mlp",
        "dcgan" or "wgan" or "wgan-gp" => "dcgan",
        "dcgan64" => "dcgan64",
        "infogan" => "infogan",
        _ => throw new ArgumentException($"unknown model '{model}'"),
    };

    /// <summary>Rejects combinations that make no sense, with the reason.</summary>
    public static void Validate(GanConfig c)
    {
        if (!ModelNames.Contains(c.Model)) throw new ArgumentException($"unknown model '{c.Model}' (choose one of {string.Join(", ", ModelNames)})");
        if (!LossNames.Contains(c.Loss)) throw new ArgumentException($"unknown loss '{c.Loss}' (choose one of {string.Join(", ", LossNames)})");
        if (c.Model == "infogan" && c.Loss is "wgan" or "wgan-gp")
            throw new ArgumentException($"model infogan cannot use loss {c.Loss}: its Q head shares the discriminator's trunk, which a critic's loss does not train as a classifier (use nonsaturating, minimax or lsgan)");
        int size = Architecture(c.Model) == "dcgan64" ? 64 : 28;
        if (c.ImageSize != size) throw new ArgumentException($"model {c.Model} makes {size}×{size} images; --image-size {c.ImageSize} does not fit it");
        if (c.Noise is not ("uniform" or "normal")) throw new ArgumentException($"unknown noise '{c.Noise}' (uniform or normal)");
        if (c.Optimizer is not ("adam" or "rmsprop")) throw new ArgumentException($"unknown optimizer '{c.Optimizer}' (adam or rmsprop)");
        if (c.Model == "infogan" && c.NoiseDim < 1) throw new ArgumentException("infogan needs a noise dimension of at least 1");
    }
}
