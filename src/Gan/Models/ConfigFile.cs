using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scratch.Gan.Models;

/// <summary>
/// config.json: a run's settings, one key per <see cref="TrainOptions"/> entry (batch-size: batch_size),
/// under the format's `version`. A key that is missing means the model's default; a file of an older
/// version is first upgraded (<see cref="ConfigUpgrade"/>) to what its Scratch trained with.
/// </summary>
public static class ConfigFile
{
    /// <summary>2: every setting written, `version` the format's number. 1, before: `version` was the program's ("0.1.0").</summary>
    public const int Version = 2;

    // The setting enums carry their own converters (Settings.cs), which write their names.
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Write(GanConfig c)
    {
        var o = new JsonObject { ["version"] = Version };
        foreach (var option in TrainOptions.All)
            if (option.ConfigKey is { } key) o[key] = option.ToJson(c, Json);   // null too (no width): missing would mean the default
        if (c.ScratchVersion != null) o["scratch_version"] = c.ScratchVersion;
        return o.ToJsonString(Json);
    }

    /// <summary>Reads, upgrades and validates a config; a bad one is an InvalidDataException, one line from <paramref name="source"/> on.</summary>
    public static GanConfig Read(string text, string source)
    {
        try
        {
            var o = JsonNode.Parse(text) switch
            {
                null => throw new InvalidDataException($"{source}: empty (the JSON is null)"),
                JsonObject found => ConfigUpgrade.ToCurrent(found, source),
                _ => throw new JsonException("not an object"),
            };
            var c = FromCurrent(o);
            Zoo.Validate(c);
            return c;
        }
        // A setting with an unknown name ("model": "stylegan"), or a combination Zoo.Validate refuses: the message says which.
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: {e.Message}"); }
        catch (JsonException e)
        {
            // The reader's message points at the offending line and byte; keep that much, on one line.
            var where = e.LineNumber is long l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{source}: not a valid Scratch run config{where}; it is damaged or not a config.json");
        }
    }

    /// <summary>A config of the current version: the defaults of its model at its image size, then each key it has.</summary>
    static GanConfig FromCurrent(JsonObject o)
    {
        T Value<T>(TrainOption<T> option, T otherwise) => o.TryGetPropertyValue(option.ConfigKey!, out var v) ? v.Deserialize<T>(Json)! : otherwise;
        var model = Value(TrainOptions.Model, TrainOptions.DefaultModel);
        int? size = o.ContainsKey(TrainOptions.ImageSize.ConfigKey!) ? Value(TrainOptions.ImageSize, 0) : null;
        var c = TrainOptions.Defaults(Recipe.Of(model, size));
        foreach (var option in TrainOptions.All)
            if (option.ConfigKey is { } key && o.TryGetPropertyValue(key, out var value)) c = option.FromJson(c, value, Json);
        return c with { ScratchVersion = o.TryGetPropertyValue("scratch_version", out var v) ? v.Deserialize<string>(Json) : null };
    }
}
