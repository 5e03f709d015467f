using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scratch.Gan.Watch;

/// <summary>
/// What one open page has been sent, and so what it still needs: the first message holds every run
/// whole; each later one only the scalar points appended since, and a run's other parts (grids,
/// warnings, eval table, error) when they changed. One per Server-Sent Events connection; a page that
/// reconnects gets a new feed, and so everything again.
/// </summary>
public sealed class WatchFeed(RunCatalog catalog)
{
    readonly Dictionary<(string Run, string Tag), int> _pointsSent = [];
    readonly Dictionary<string, string> _partsSent = new(StringComparer.Ordinal);
    bool _first = true;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A series as uPlot takes it: steps, then values (null where a value is not finite: JSON has no NaN).</summary>
    public sealed record Series(long[] Steps, double?[] Values);
    /// <summary>Pictures of one tag, one per step, for the page's slider; StepName says what a step counts (iteration, epoch).</summary>
    public sealed record Gallery(string Label, string StepName, long[] Steps, string[] Urls);
    public sealed record EvalRow(string Metric, string Generated, string Reference);
    /// <summary>A run's parts other than its scalars; sent whole when any of them changed.</summary>
    public sealed record RunParts(string? Error, string? Warnings, EvalRow[]? Eval, string? EvalError, Gallery[] Galleries, string[] Traversal);
    public sealed record RunUpdate(string Name, Dictionary<string, Series> Scalars, RunParts? Parts);
    public sealed record Message(bool Full, string Root, RunUpdate[] Runs);

    /// <summary>The next message for this page as JSON, or null when nothing changed since the last one.</summary>
    public string? Next()
    {
        catalog.Refresh();
        lock (catalog.Lock)
        {
            var updates = new List<RunUpdate>();
            foreach (var run in catalog.Runs)
            {
                var scalars = NewPoints(run);
                var parts = Parts(run);
                var partsJson = JsonSerializer.Serialize(parts, Json);
                bool partsChanged = !_partsSent.TryGetValue(run.Name, out var sent) || sent != partsJson;
                if (partsChanged) _partsSent[run.Name] = partsJson;
                if (scalars.Count > 0 || partsChanged) updates.Add(new RunUpdate(run.Name, scalars, partsChanged ? parts : null));
            }
            if (updates.Count == 0 && !_first) return null;
            var message = new Message(_first, catalog.Root, [.. updates]);
            _first = false;
            return JsonSerializer.Serialize(message, Json);
        }
    }

    Dictionary<string, Series> NewPoints(RunLog run)
    {
        var fresh = new Dictionary<string, Series>(StringComparer.Ordinal);
        foreach (var (tag, points) in run.Scalars)
        {
            int from = _pointsSent.GetValueOrDefault((run.Name, tag));
            if (from >= points.Count) continue;
            var slice = points.Skip(from).ToArray();
            fresh[tag] = new Series([.. slice.Select(p => p.Step)], [.. slice.Select(p => double.IsFinite(p.Value) ? p.Value : (double?)null)]);
            _pointsSent[(run.Name, tag)] = points.Count;
        }
        return fresh;
    }

    RunParts Parts(RunLog run)
    {
        var (rows, evalError) = run.Eval();
        var galleries = new List<Gallery>();
        foreach (var (tag, pictures) in run.Images)
            galleries.Add(new Gallery(tag, "iteration", [.. pictures.Select(p => p.Step)],
                [.. pictures.Select((_, i) => $"/image?run={Uri.EscapeDataString(run.Name)}&tag={Uri.EscapeDataString(tag)}&index={i}")]));
        // The trainer's grid files: the same pictures, for runs whose event files hold none.
        if (galleries.Count == 0 && run.FixedGrids() is { Count: > 0 } grids)
            galleries.Add(new Gallery("fixed-latent grid", "epoch",
                [.. grids.Select(g => (long)g.Epoch)], [.. grids.Select(g => FileUrl(run, g.RelativePath))]));
        return new RunParts(run.Error, run.Warnings(), rows?.Select(r => new EvalRow(r.Metric, r.Generated, r.Reference)).ToArray(), evalError,
            [.. galleries], [.. run.Traversals().Select(t => FileUrl(run, t))]);
    }

    /// <summary>The /files/ URL of a file in a run folder, each path segment escaped.</summary>
    string FileUrl(RunLog run, string relative)
    {
        var path = Path.GetRelativePath(catalog.Root, Path.Combine(run.Dir, relative)).Replace('\\', '/');
        return "/files/" + string.Join("/", path.Split('/').Select(Uri.EscapeDataString));
    }
}
