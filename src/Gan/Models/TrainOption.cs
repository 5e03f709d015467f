using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scratch.Gan.Models;

/// <summary>What picks a run's defaults: the model, and its image size (wgan and wgan-gp at 64×64 follow NTU HW6).</summary>
public readonly record struct Recipe(ModelKind Model, int ImageSize)
{
    /// <summary>A model at the image size it makes unless told otherwise: 64 for dcgan64, whose networks make only that; 28 for the rest.</summary>
    public static Recipe Of(ModelKind model, int? imageSize = null) => new(model, imageSize ?? (model == ModelKind.Dcgan64 ? 64 : 28));

    /// <summary>wgan or wgan-gp at 64×64: the NTU ML 2021 HW6 networks, with HW6's noise, N(0, 1)¹⁰⁰, and batch of 64.</summary>
    public bool Hw6 => Model is ModelKind.Wgan or ModelKind.WganGp && ImageSize == 64;
}

/// <summary>
/// One setting of a training run, declared once in <see cref="TrainOptions"/>: its name (--batch-size on the
/// command line, batch_size in config.json, GanConfig.BatchSize in code), help, default per model, the values
/// it accepts, and what sweeps and --resume may do with it. The command line, config.json, the sweep grid
/// and the help are all made from these declarations.
/// </summary>
public abstract record TrainOption
{
    protected TrainOption(string name, string help, string placeholder) => (Name, Help, Placeholder) = (name, help, placeholder);

    /// <summary>"batch-size": the option --batch-size, the config.json key batch_size, the property GanConfig.BatchSize.</summary>
    public string Name { get; }
    public string Help { get; }
    /// <summary>What help shows for the value: N, X, DIR, or the choices (uniform|normal).</summary>
    public string Placeholder { get; }
    /// <summary>The key in config.json; null for an option that only sets others (--lr).</summary>
    public string? ConfigKey => InConfig ? Name.Replace('-', '_') : null;
    public abstract bool InConfig { get; }
    /// <summary>A setting that takes one of a few names (a setting enum, Settings.cs): a mistyped one gets a suggestion.</summary>
    public abstract bool IsChoice { get; }
    /// <summary>The words tab completion offers (a choice's values); empty for numbers and paths.</summary>
    public string[] Completions { get; init; } = [];
    /// <summary>A sweep's --grid may vary it.</summary>
    public bool Sweepable { get; init; }
    /// <summary>--resume may give it again (epochs, device); every other setting is the run's, kept in its config.json.</summary>
    public bool ChangesOnResume { get; init; }
    /// <summary>The one model that uses it; giving it with another --model is a mistake.</summary>
    public ModelKind? OnlyFor { get; init; }
    /// <summary>False for a setting config.json holds that the command line does not offer (the architecture, …).</summary>
    public bool OnCommandLine { get; init; } = true;
    /// <summary>What help says the default is, where the per-model list would not say it ("from the data").</summary>
    public string? DefaultShown { get; init; }

    /// <summary>Why text is not a value of this option ("'fast' is not a number", "must be at least 1 (got 0)"), or null.</summary>
    public abstract string? Check(string text);
    /// <summary>Why the value c holds is not one of this option's, or null.</summary>
    public abstract string? CheckValue(GanConfig c);
    /// <summary>c with this option set to text, which <see cref="Check"/> accepted.</summary>
    public abstract GanConfig Apply(GanConfig c, string text);
    /// <summary>c with this option at the recipe's default.</summary>
    public abstract GanConfig ApplyDefault(GanConfig c, Recipe r);
    /// <summary>The value as config.json writes it (null for a setting the networks do not have).</summary>
    public abstract JsonNode? ToJson(GanConfig c, JsonSerializerOptions json);
    /// <summary>c with this option read from its config.json value (a JsonException if it has the wrong type).</summary>
    public abstract GanConfig FromJson(GanConfig c, JsonNode? value, JsonSerializerOptions json);
    /// <summary>" [default: 128; 64 for dcgan64, wgan; 50 for wgan-gp]": the value most models use, then the others.</summary>
    public abstract string DefaultsHelp();
}

/// <summary>A setting whose value is a T, stored in the GanConfig property its name spells (batch-size: BatchSize).</summary>
public sealed record TrainOption<T> : TrainOption
{
    readonly Func<string, T> _parse;
    readonly Func<T, string?> _rule;
    readonly Func<Recipe, T>? _default;
    readonly PropertyInfo? _property;
    readonly Func<GanConfig, T, GanConfig>? _set;

    /// <param name="parse">text to value; a FormatException's message says why not</param>
    /// <param name="rule">why a value is out of range, or null</param>
    /// <param name="dflt">the default per recipe; null for an option that only sets others</param>
    /// <param name="set">how it sets the config, for an option that is not one GanConfig property (--lr)</param>
    public TrainOption(string name, string help, string placeholder, Func<string, T> parse, Func<T, string?> rule, Func<Recipe, T>? dflt,
        Func<GanConfig, T, GanConfig>? set = null) : base(name, help, placeholder)
    {
        (_parse, _rule, _default, _set) = (parse, rule, dflt, set);
        if (set != null) return;
        var pascal = string.Concat(name.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        _property = typeof(GanConfig).GetProperty(pascal);
        if (_property?.PropertyType != typeof(T))
            throw new InvalidOperationException($"train option {name}: GanConfig has no {typeof(T).Name} property {pascal}");
    }

    public override bool InConfig => _property != null;
    public override bool IsChoice => typeof(T).IsEnum;

    public T Get(GanConfig c) => (T)_property!.GetValue(c)!;

    public GanConfig Set(GanConfig c, T value)
    {
        if (_set != null) return _set(c, value);
        var copy = c with { };
        _property!.SetValue(copy, value);   // an init-only property, set on a fresh copy as `with` would
        return copy;
    }

    public T Default(Recipe r) => _default!(r);

    /// <summary>The value text stands for; a FormatException with the reason when it is none.</summary>
    public T Parse(string text)
    {
        T value;
        try { value = _parse(text); }
        catch (ArgumentException e) { throw new FormatException(e.Message); }   // a setting's unknown name
        return _rule(value) is { } why ? throw new FormatException(why) : value;
    }

    public override string? Check(string text)
    {
        try { Parse(text); return null; }
        catch (FormatException e) { return e.Message; }
    }

    public override string? CheckValue(GanConfig c) => InConfig ? _rule(Get(c)) : null;
    public override GanConfig Apply(GanConfig c, string text) => Set(c, Parse(text));
    public override GanConfig ApplyDefault(GanConfig c, Recipe r) => InConfig ? Set(c, Default(r)) : c;
    public override JsonNode? ToJson(GanConfig c, JsonSerializerOptions json) => JsonSerializer.SerializeToNode(Get(c), json);
    public override GanConfig FromJson(GanConfig c, JsonNode? value, JsonSerializerOptions json) => Set(c, value.Deserialize<T>(json)!);

    public override string DefaultsHelp()
    {
        if (DefaultShown != null) return $" [default: {DefaultShown}]";
        if (_default == null) return "";
        ModelKind[] models = OnlyFor is { } only ? [only] : Enum.GetValues<ModelKind>();
        var groups = models.Select(m => (Model: m, Value: _default(Recipe.Of(m)))).Where(d => d.Value != null)
            .GroupBy(d => Show(d.Value!), d => Setting.Name(d.Model)).OrderByDescending(g => g.Count()).ToList();
        return $" [default: {groups[0].Key}" + string.Concat(groups.Skip(1).Select(g => $"; {g.Key} for {string.Join(", ", g)}")) + "]";
    }

    static string Show(object v) => v switch
    {
        double d => d.ToString("0.#######", CultureInfo.InvariantCulture),
        Enum setting => Setting.NameOf(setting),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };
}
