using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Scratch.Gan.Models;

namespace Scratch.Gan.Cli;

/// <summary>
/// Factories for the kinds of option the verbs share. System.CommandLine does the parsing, the help
/// and the completions; the custom parsers here keep Scratch's own one-line messages
/// ("--epochs: must be at least 1", "--lr: 'fast' is not a number", "--model: unknown value 'x'"),
/// which name the option, so a mistake never silently falls back to a default.
/// </summary>
internal static class Opt
{
    /// <summary>A whole number with a fixed default, shown in help as [default: N].</summary>
    public static Option<int> Int(string name, string description, int dflt, int min = 1) =>
        new(name) { Description = description, DefaultValueFactory = _ => dflt, CustomParser = r => ParseInt(r, name, min), HelpName = "N" };

    /// <summary>A whole number whose default depends on other options (the model's): null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 1) =>
        new(name) { Description = description, CustomParser = r => ParseInt(r, name, min), HelpName = "N" };

    /// <summary>A real number, null when not given; positive, or non-negative with <paramref name="allowZero"/>.</summary>
    public static Option<double?> OptionalDouble(string name, string description, double min = double.Epsilon, bool allowZero = false) =>
        new(name) { Description = description, CustomParser = r => ParseDouble(r, name, min, allowZero), HelpName = "X" };

    /// <summary>One of a fixed set of words: help lists them, the shell completes them, a typo gets a suggestion.</summary>
    public static Option<string> Choice(string name, string description, string dflt, params string[] choices)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => dflt,
            CustomParser = r => ParseChoice(r, name, choices) };
        return WithChoices(o, choices);
    }

    /// <summary>As <see cref="Choice"/>, with a default that depends on other options: null when not given.</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
    {
        var o = new Option<string?>(name) { Description = description, CustomParser = r => ParseChoice(r, name, choices) };
        return WithChoices(o, choices);
    }

    /// <summary>A path or other text; <paramref name="helpName"/> is the placeholder help shows (FILE, DIR).</summary>
    public static Option<string?> Text(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, CustomParser = r => Single(r, name) };

    /// <summary>A path or text with a fixed default.</summary>
    public static Option<string> Text(string name, string description, string helpName, string dflt) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => dflt, CustomParser = r => Single(r, name) ?? dflt };

    /// <summary>An on/off switch that takes no value.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>--device: checked when the verb runs (a device is offered only after it has run a test kernel).</summary>
    public static Option<string?> Device() => For(TrainOptions.Device);

    /// <summary>
    /// A run's setting as an option (train's --batch-size, …), from its one declaration in TrainOptions: its help with
    /// the default of each model, its placeholder and completions. The value stays text, checked here by the setting's
    /// own parser; null when not given, so the model's default applies.
    /// </summary>
    public static Option<string?> For(TrainOption setting)
    {
        var name = "--" + setting.Name;
        var o = new Option<string?>(name)
        {
            Description = setting.Help + setting.DefaultsHelp(), HelpName = setting.Placeholder,
            CustomParser = r =>
            {
                if (Single(r, name) is not { } s) return null;
                if (setting.Check(s) is { } why)
                    r.AddError(setting.IsChoice ? UnknownChoice(name, s, setting.Completions) : $"{name}: {why}");
                return s;
            },
        };
        o.CompletionSources.Add(setting.Completions);
        return o;
    }

    static string UnknownChoice(string name, string value, string[] choices) =>
        $"{name}: unknown value '{value}' ({Suggest.DidYouMean(value, choices) ?? "choose one of " + string.Join(", ", choices)})";

    /// <summary>A hidden option for tests and tools: parsed and checked like the others, left out of help.</summary>
    public static Option<T> Hidden<T>(Option<T> o) { o.Hidden = true; return o; }

    /// <summary>True when the user typed the option (not when only its default applies).</summary>
    public static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };

    static T WithChoices<T>(T o, string[] choices) where T : Option
    {
        o.HelpName = string.Join("|", choices);      // help shows --model <vanilla|lsgan|…>
        o.CompletionSources.Add(choices);             // tab completion offers them
        return o;
    }

    static string? Single(ArgumentResult r, string name)
    {
        if (r.Tokens.Count == 0) { r.AddError($"{name} needs a value"); return null; }
        return r.Tokens[^1].Value;
    }

    static int ParseInt(ArgumentResult r, string name, int min)
    {
        if (Single(r, name) is not { } s) return default;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) r.AddError($"{name}: '{s}' is not a whole number");
        else if (v < min) r.AddError($"{name}: must be at least {min} (got {v})");
        return v;
    }

    static double? ParseDouble(ArgumentResult r, string name, double min, bool allowZero)
    {
        if (Single(r, name) is not { } s) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            r.AddError($"{name}: '{s}' is not a number");
        else if (!(v >= min || (allowZero && v == 0))) r.AddError($"{name}: must be {(allowZero ? "non-negative" : "positive")} (got {s})");
        return v;
    }

    static string? ParseChoice(ArgumentResult r, string name, string[] choices)
    {
        if (Single(r, name) is not { } s) return null;
        if (!choices.Contains(s)) r.AddError(UnknownChoice(name, s, choices));
        return s;
    }
}
