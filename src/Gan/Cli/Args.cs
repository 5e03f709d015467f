using System.Globalization;

namespace Scratch.Gan.Cli;

/// <summary>A user mistake on the command line: printed as one line, exit code 2, no stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A small "--name value" parser. Each getter validates and names the option in its error, and
/// <see cref="Done"/> rejects anything left over, so a typo never silently falls back to a default.
/// </summary>
public sealed class Args
{
    readonly Dictionary<string, string?> _opts = new();
    readonly HashSet<string> _used = new();
    public List<string> Positional { get; } = new();

    public Args(IEnumerable<string> argv)
    {
        var list = argv.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--")) { Positional.Add(a); continue; }
            var name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < list.Count && !(list[i + 1].StartsWith("--"))) value = list[++i];
            _opts[name] = value;
        }
    }

    public bool Flag(string name)
    {
        if (!_opts.TryGetValue(name, out var v)) return false;
        _used.Add(name);
        if (v != null) throw new UsageException($"--{name} takes no value (got '{v}')");
        return true;
    }

    public string? Str(string name)
    {
        if (!_opts.TryGetValue(name, out var v)) return null;
        _used.Add(name);
        return v ?? throw new UsageException($"--{name} needs a value");
    }

    public string Str(string name, string dflt) => Str(name) ?? dflt;

    public string Choice(string name, string dflt, params string[] choices)
    {
        var v = Str(name, dflt);
        if (!choices.Contains(v)) throw new UsageException($"--{name}: unknown value '{v}' (choose one of {string.Join(", ", choices)})");
        return v;
    }

    public int Int(string name, int dflt, int min = 1)
    {
        var s = Str(name);
        if (s == null) return dflt;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"--{name}: '{s}' is not a whole number");
        if (v < min) throw new UsageException($"--{name}: must be at least {min} (got {v})");
        return v;
    }

    public double Double(string name, double dflt, double min = double.Epsilon, bool allowZero = false)
    {
        var s = Str(name);
        if (s == null) return dflt;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"--{name}: '{s}' is not a number");
        if (!(v >= min || (allowZero && v == 0))) throw new UsageException($"--{name}: must be {(allowZero ? "non-negative" : "positive")} (got {s})");
        return v;
    }

    /// <summary>Fails on options nobody asked for (typos) and on extra positional words.</summary>
    public void Done(int positionalAllowed)
    {
        var unknown = _opts.Keys.FirstOrDefault(k => !_used.Contains(k));
        if (unknown != null) throw new UsageException($"unknown option --{unknown}");
        if (Positional.Count > positionalAllowed) throw new UsageException($"unexpected argument '{Positional[positionalAllowed]}'");
    }
}
