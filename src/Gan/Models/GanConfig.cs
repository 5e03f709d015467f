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
    /// <summary>1 = grey, 3 = RGB. Configs written before colour support have no such key and load as 1.</summary>
    public int Channels { get; init; } = 1;
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
    /// <summary>Parses a config; <paramref name="source"/> names the file (or checkpoint) in the one-line error a bad one gives.</summary>
    public static GanConfig FromJson(string s, string source = "config.json")
    {
        try { return JsonSerializer.Deserialize<GanConfig>(s, Json) ?? throw new InvalidDataException($"{source}: empty (the JSON is null)"); }
        catch (JsonException e)
        {
            // The reader's message points at the offending line and byte; keep that much, on one line.
            var where = e.LineNumber is long l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{source}: not a valid Scratch run config{where}; it is damaged or not a config.json");
        }
    }
}

/// <summary>
/// The zoo: each model name picks an architecture, a default loss and the hyperparameters of the
/// paper or course it comes from (docs/gans.md has the table).
/// </summary>
public static class Zoo
{
    public static readonly string[] ModelNames = ["vanilla", "lsgan", "dcgan", "dcgan64", "wgan", "wgan-gp", "infogan"];
    public static readonly string[] LossNames = ["nonsaturating", "minimax", "lsgan", "wgan", "wgan-gp"];

    /// <summary>
    /// The defaults for a model (before command-line overrides). wgan and wgan-gp at 64×64 use the
    /// NTU HW6 networks, and with them HW6's noise, N(0, 1)¹⁰⁰; their losses and optimizers stay.
    /// </summary>
    public static GanConfig Defaults(string model, int imageSize) =>
        model is "wgan" or "wgan-gp" && imageSize == 64 ? Defaults(model) with { ImageSize = 64, NoiseDim = 100, Noise = "normal" } : Defaults(model);

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

    /// <summary>The architecture family behind a config: its model name, and for wgan/wgan-gp the image size.</summary>
    public static string Architecture(GanConfig c) =>
        c.Model is "wgan" or "wgan-gp" && c.ImageSize == 64 ? "dcgan64" : Architecture(c.Model);

    /// <summary>The architecture family behind a model name at its default size.</summary>
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
        var arch = Architecture(c);
        int size = arch == "dcgan64" ? 64 : 28;
        if (c.ImageSize != size)
            throw new ArgumentException($"model {c.Model} makes {(c.Model is "wgan" or "wgan-gp" ? "28×28 or 64×64" : $"{size}×{size}")} images; --image-size {c.ImageSize} does not fit it");
        if (c.Channels is not (1 or 3)) throw new ArgumentException($"--channels {c.Channels}: 1 (grey) or 3 (RGB)");
        if (c.Channels == 3 && arch != "dcgan64")
            throw new ArgumentException($"model {c.Model} at {c.ImageSize}×{c.ImageSize} makes grey images only; for colour use dcgan64, or wgan / wgan-gp with --image-size 64 (or pass --channels 1)");
        if (c.Noise is not ("uniform" or "normal")) throw new ArgumentException($"unknown noise '{c.Noise}' (uniform or normal)");
        if (c.Optimizer is not ("adam" or "rmsprop")) throw new ArgumentException($"unknown optimizer '{c.Optimizer}' (adam or rmsprop)");
        if (c.Model == "infogan" && c.NoiseDim < 1) throw new ArgumentException("infogan needs a noise dimension of at least 1");
    }
}
