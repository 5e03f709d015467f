using System.Text.Json.Nodes;

namespace Scratch.Gan.Models;

/// <summary>
/// Brings an older config.json up to the current format, one version at a time. Each step writes out what
/// its version left unsaid, as that version's code read it, so a resumed run continues the recipe it trained
/// with even where today's defaults differ (tests/Gan/ConfigVersionTests.cs resumes version-1 runs).
/// </summary>
public static class ConfigUpgrade
{
    /// <summary>o at <see cref="ConfigFile.Version"/>; an InvalidDataException naming <paramref name="source"/> for an unknown version.</summary>
    public static JsonObject ToCurrent(JsonObject o, string source)
    {
        int version = VersionOf(o);
        if (version is < 1 or > ConfigFile.Version)
            throw new InvalidDataException(
                $"{source}: config version {version} is not one this Scratch reads (1 to {ConfigFile.Version}); was it written by a newer one?");
        if (version == 1) o = V1ToV2(o);
        return o;
    }

    /// <summary>The format's number; 1 for a config.json without one (its `version`, if any, was the program's: "0.1.0").</summary>
    public static int VersionOf(JsonObject o) => o["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1;

    /// <summary>
    /// What the version-1 code (up to 46b71ac) read each missing key as: GanConfig's initial values, and for the
    /// settings added while version 1 was current, what runs trained with before each was added.
    /// </summary>
    const string V1Missing = """
        {
          "model": "dcgan", "loss": "nonsaturating", "epochs": 5, "batch_size": 128, "lr_d": 0.001, "lr_g": 0.001, "beta1": 0.5, "beta2": 0.999,
          "n_critic": 1, "clip": 0.01, "gp_lambda": 10, "noise_dim": 96, "noise": "uniform", "image_size": 28, "channels": 1, "optimizer": "adam",
          "data": "embedded", "device": "auto", "seed": 0, "sample_every": 250, "checkpoint_every": 1000, "eval_every": 0, "eval_n": 2000,
          "info_lambda_cat": 1, "info_lambda_con": 0.1, "info_max": 0, "info_max_augment": "shift", "info_max_vat": 0, "info_max_until": 0,
          "critic_schedule": "constant", "info_trains": "g-and-q", "info_continuous": "learnt-variance", "info_leak": 0.1
        }
        """;

    /// <summary>Version 1 to 2: every setting said, the program's version moved to scratch_version.</summary>
    public static JsonObject V1ToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        foreach (var (key, value) in JsonNode.Parse(V1Missing)!.AsObject())
            if (!v2.ContainsKey(key)) v2[key] = value!.DeepClone();
        // Version 1 named the networks only where they had changed (wgan-gp at 28×28); otherwise the model's family at its size.
        if (!v2.ContainsKey("architecture") && V1Architecture(Text(v2["model"]), v2["image_size"]) is { } family) v2["architecture"] = family;
        // gan_mnist.py's DIM 64, what wgan-gp-mnist runs had before the width was a setting; other networks have none.
        if (!v2.ContainsKey("width")) v2["width"] = Text(v2["architecture"]) == "wgan-gp-mnist" ? 64 : null;
        v2.Remove("version");
        if (Text(v1["version"]) is { } program) v2["scratch_version"] = program;
        v2["version"] = 2;
        return v2;
    }

    /// <summary>The networks version 1 derived from the model and image size; null for a model it did not know (reading then names it).</summary>
    static string? V1Architecture(string? model, JsonNode? imageSize) => model switch
    {
        "vanilla" or "lsgan" => "mlp",
        "wgan" or "wgan-gp" => imageSize is JsonValue v && v.TryGetValue<int>(out var size) && size == 64 ? "dcgan64" : "dcgan",
        "dcgan" or "dcgan64" or "infogan" => model,
        _ => null,
    };

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
