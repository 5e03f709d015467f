namespace Scratch.Gan.Watch;

/// <summary>
/// The runs under the watched folder: the folder itself when it is a run, else every run folder up to
/// <see cref="MaxDepth"/> levels below it (runs/NAME, and a sweep's runs/SWEEP/POINT). Found again on
/// every refresh, so a run started after the page opened appears on it. One lock guards everything:
/// the server's pollers and page requests all go through it.
/// </summary>
public sealed class RunCatalog(string root)
{
    const int MaxDepth = 3;
    /// <summary>A run's own subfolders, never runs themselves: not searched.</summary>
    static readonly HashSet<string> RunParts = ["checkpoints", "samples", "fixed", "traverse", "cache", ".scratch-cache"];
    /// <summary>Refreshes closer together than this (several open pages) share one read of the files.</summary>
    static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    readonly Dictionary<string, RunLog> _runs = new(StringComparer.Ordinal);
    DateTime _lastRefresh = DateTime.MinValue;

    public object Lock { get; } = new();
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The runs found so far, by name (their path under the root, or the root's own name).</summary>
    public IReadOnlyList<RunLog> Runs { get { lock (Lock) return [.. _runs.Values.OrderBy(r => r.Name, StringComparer.Ordinal)]; } }

    public RunLog? Find(string name) { lock (Lock) return _runs.GetValueOrDefault(name); }

    /// <summary>Finds new runs and reads what every run appended since the last refresh.</summary>
    public void Refresh()
    {
        lock (Lock)
        {
            if (DateTime.UtcNow - _lastRefresh < MinInterval) return;
            foreach (var dir in Discover())
            {
                var name = dir == Root
                    ? Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar))
                    : Path.GetRelativePath(Root, dir).Replace('\\', '/');
                if (!_runs.ContainsKey(name)) _runs[name] = new RunLog(dir, name);
            }
            foreach (var run in _runs.Values) run.Refresh();
            _lastRefresh = DateTime.UtcNow;
        }
    }

    IEnumerable<string> Discover()
    {
        if (!Directory.Exists(Root)) yield break;
        if (RunLog.IsRun(Root)) { yield return Root; yield break; }
        var level = new List<string> { Root };
        for (int depth = 1; depth <= MaxDepth && level.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var dir in level)
            {
                IEnumerable<string> children;
                try { children = Directory.GetDirectories(dir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }   // removed or unreadable meanwhile
                foreach (var child in children.Order(StringComparer.Ordinal))
                {
                    if (RunParts.Contains(Path.GetFileName(child)) || new DirectoryInfo(child).LinkTarget != null) continue;
                    if (RunLog.IsRun(child)) yield return child;
                    else next.Add(child);
                }
            }
            level = next;
        }
    }
}
