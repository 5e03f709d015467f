using Scratch.Layers;
using System.Diagnostics;
using System.Globalization;

namespace Scratch.Gan.Training;

/// <summary>
/// A run's metrics.csv: a header and one row per iteration whose losses were read. The rows are kept
/// in memory and the whole file is replaced through <see cref="AtomicFile"/> — at every checkpoint, at
/// each epoch's end, when training stops for any reason, and otherwise every few seconds — so an
/// interrupted write never leaves a torn or truncated file. Rows after the last checkpoint are the only
/// ones a crash can lose, and a resumed run writes exactly those again.
/// </summary>
public sealed class MetricsLog
{
    static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(10);
    readonly string _path;
    readonly string[] _header;
    readonly List<string> _rows = new();
    readonly Stopwatch _sinceWrite = new();

    /// <summary>Opens metrics.csv with this header, keeping the rows up to iteration upTo (the checkpoint resumed from).</summary>
    public MetricsLog(string path, IReadOnlyList<string> header, long upTo)
    {
        (_path, _header) = (path, header.ToArray());
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        _rows.AddRange(lines.Skip(1).Where(l => long.TryParse(l.Split(',')[0], CultureInfo.InvariantCulture, out var i) && i <= upTo));
        Save();
    }

    public int Count => _rows.Count;

    public void Add(string row)
    {
        _rows.Add(row);
        if (_sinceWrite.Elapsed >= WriteEvery) Save();
    }

    public void Save()
    {
        AtomicFile.WriteText(_path, string.Join("\n", _rows.Prepend(string.Join(",", _header))) + "\n", "metrics.csv");
        _sinceWrite.Restart();
    }

    /// <summary>A column by its header name, NaN for empty cells; null when the file has no such column.</summary>
    public double[]? Column(string name)
    {
        int c = Array.IndexOf(_header, name);
        if (c < 0) return null;
        return _rows.Select(r => r.Split(',') is var cells && c < cells.Length && cells[c].Length > 0
            ? double.Parse(cells[c], CultureInfo.InvariantCulture) : double.NaN).ToArray();
    }
}
