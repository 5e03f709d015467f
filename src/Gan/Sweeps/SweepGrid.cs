using Scratch.Gan.Models;

namespace Scratch.Gan.Sweeps;

/// <summary>One point of a grid: option → value, in the grid's order, and the run-folder name made of them.</summary>
public sealed record SweepPoint(IReadOnlyList<(string Option, string Value)> Settings)
{
    public string Name => string.Join("_", Settings.Select(s => $"{s.Option}={s.Value}"));
    public IEnumerable<string> TrainArgs => Settings.SelectMany(s => new[] { "--" + s.Option, s.Value });
}

/// <summary>
/// Parses --grid "noise-dim=100,200 batch-size=128,512 lr=1e-4,2e-4": space-separated options, each
/// with comma-separated values; the points are their Cartesian product (first option slowest).
/// </summary>
public static class SweepGrid
{
    /// <summary>The `train` settings a grid may vary (TrainOptions marks them); everything else is fixed by --model's defaults.</summary>
    public static readonly TrainOption[] Axes = TrainOptions.All.Where(o => o.Sweepable).ToArray();

    /// <summary>Their names, as --grid spells them.</summary>
    public static string[] Options => Axes.Select(o => o.Name).ToArray();

    public static List<SweepPoint> Parse(string grid)
    {
        var axes = new List<(string Option, string[] Values)>();
        foreach (var part in grid.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1) throw new UsageException($"--grid: '{part}' is not option=value[,value...]");
            var option = part[..eq];
            var axis = Axes.FirstOrDefault(o => o.Name == option)
                ?? throw new UsageException($"--grid: '{option}' cannot be swept (choose from {string.Join(", ", Options)})");
            if (axes.Any(a => a.Option == option)) throw new UsageException($"--grid: '{option}' appears twice");
            var values = part[(eq + 1)..].Split(',');
            foreach (var v in values)
                // The values name the run folders: letters, digits and the signs of numbers only.
                if (v.Length == 0 || v.Any(ch => !(char.IsLetterOrDigit(ch) || ch is '.' or '-' or '+')))
                    throw new UsageException($"--grid: '{option}' has an empty or odd value '{v}'");
                else if (axis.Check(v) is { } why) throw new UsageException($"--grid: {option}={v}: {why}");
            if (values.Distinct().Count() != values.Length) throw new UsageException($"--grid: '{option}' repeats a value");
            axes.Add((option, values));
        }
        if (axes.Count == 0) throw new UsageException("--grid is empty (e.g. --grid \"lr=1e-4,2e-4 batch-size=64,128\")");
        IEnumerable<List<(string, string)>> points = [[]];
        foreach (var (option, values) in axes)
            points = points.SelectMany(p => values.Select(v => new List<(string, string)>(p) { (option, v) }));
        return points.Select(p => new SweepPoint(p)).ToList();
    }
}
