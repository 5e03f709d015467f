using Scratch.Gan.Evaluation;
using Scratch.Gan.Training;
using Scratch.Gan.Training.Events;

namespace Scratch.Gan.Watch;

/// <summary>
/// What the watch page knows of one run folder, read from its event files and a few of its other
/// files. Each <see cref="Refresh"/> reads only what was appended to the event files since the last
/// one (a byte offset per file), so a live run costs a few bytes a poll; the run's own process may be
/// writing meanwhile, or may be another program altogether. Nothing here writes to the folder.
/// </summary>
public sealed class RunLog(string dir, string name)
{
    /// <summary>An event file whose last record is torn and has not grown for this long was cut off, not mid-write.</summary>
    static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    sealed class Tail { public long Offset; public string? Error; }

    readonly Dictionary<string, Tail> _files = new(StringComparer.Ordinal);

    public string Dir { get; } = dir;
    public string Name { get; } = name;

    /// <summary>Each scalar tag's points, in the order written (a resumed run adds a file, and continues its steps).</summary>
    public SortedDictionary<string, List<(long Step, double Value)>> Scalars { get; } = new(StringComparer.Ordinal);

    /// <summary>Each image tag's pictures (PNG bytes) by step.</summary>
    public SortedDictionary<string, List<(long Step, byte[] Png)>> Images { get; } = new(StringComparer.Ordinal);

    /// <summary>What went wrong reading the event files (a damaged record, a file cut off), one line per file; null when all is well.</summary>
    public string? Error => _files.Values.Any(t => t.Error != null)
        ? string.Join("; ", _files.Values.Select(t => t.Error).Where(e => e != null))
        : null;

    /// <summary>Reads what was appended to each event file since the last call, and any new event file.</summary>
    public void Refresh()
    {
        foreach (var path in EventFileReader.FilesIn(Dir))
        {
            if (!_files.TryGetValue(path, out var tail)) _files[path] = tail = new Tail();
            if (tail.Error != null && !tail.Error.EndsWith(CutOff, StringComparison.Ordinal)) continue;   // damaged: read no further
            EventFileChunk chunk;
            try { chunk = EventFileReader.Read(path, tail.Offset); }
            catch (IOException e) { tail.Error = $"{Path.GetFileName(path)}: cannot be read ({e.Message})"; continue; }
            catch (UnauthorizedAccessException e) { tail.Error = $"{Path.GetFileName(path)}: cannot be read ({e.Message})"; continue; }
            foreach (var entry in chunk.Entries) Add(entry);
            tail.Offset = chunk.NextOffset;
            tail.Error = chunk.Error ?? CutOffError(path, tail.Offset);
        }
    }

    const string CutOff = "(cut off?)";

    /// <summary>
    /// A file that ends in part of a record is normal while its writer is mid-write; one that has stayed so
    /// for <see cref="Stale"/> was cut off (a full disk, a copy interrupted), and the page says so.
    /// </summary>
    static string? CutOffError(string path, long offset)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length <= offset || DateTime.UtcNow - file.LastWriteTimeUtc < Stale) return null;
        return $"{file.Name}: ends in {file.Length - offset} bytes that are not a whole record, unchanged for {Stale.TotalSeconds:F0} s {CutOff}";
    }

    void Add(EventEntry e)
    {
        switch (e.Kind)
        {
            case EventKind.Scalar:
                if (!Scalars.TryGetValue(e.Tag, out var points)) Scalars[e.Tag] = points = [];
                points.Add((e.Step, e.Scalar));
                break;
            case EventKind.Image when e.Png != null:
                if (!Images.TryGetValue(e.Tag, out var pictures)) Images[e.Tag] = pictures = [];
                pictures.Add((e.Step, e.Png));
                break;
            case EventKind.Image:
            case EventKind.Histogram:
            case EventKind.Text:
                break;   // histograms and texts: not drawn on this page (TensorBoard shows them)
        }
    }

    /// <summary>The fixed-latent grids the trainer saves as files, fixed/epoch-NNN.png, by epoch.</summary>
    public IReadOnlyList<(int Epoch, string RelativePath)> FixedGrids()
    {
        var fixedDir = Path.Combine(Dir, "fixed");
        if (!Directory.Exists(fixedDir)) return [];
        var grids = new List<(int, string)>();
        foreach (var file in Directory.EnumerateFiles(fixedDir, "epoch-*.png"))
            if (int.TryParse(Path.GetFileNameWithoutExtension(file)["epoch-".Length..], out int epoch))
                grids.Add((epoch, "fixed/" + Path.GetFileName(file)));
        return [.. grids.OrderBy(g => g.Item1)];
    }

    /// <summary>InfoGAN's traversal pictures, where `scratch traverse --out RUN/traverse` put them.</summary>
    public IReadOnlyList<string> Traversals()
    {
        var traverse = Path.Combine(Dir, "traverse");
        return Directory.Exists(traverse)
            ? [.. Directory.EnumerateFiles(traverse, "*.png").Order(StringComparer.Ordinal).Select(f => "traverse/" + Path.GetFileName(f))]
            : [];
    }

    /// <summary>warnings.txt (the training diagnostics' findings), or null when there is none.</summary>
    public string? Warnings() => ReadText(new RunFolder(Dir).WarningsPath);

    /// <summary>eval.json's metric rows (generated against real held-out), an error line if it cannot be read, or null when there is none.</summary>
    public (IReadOnlyList<(string Metric, string Generated, string Reference)>? Rows, string? Error) Eval()
    {
        var text = ReadText(Path.Combine(Dir, "eval.json"));
        if (text == null) return (null, null);
        try { return ([.. EvalReport.FromJson(text).Rows()], null); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NullReferenceException)
        { return (null, $"eval.json cannot be read ({e.Message.Split('\n')[0]})"); }
    }

    static string? ReadText(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (IOException) { return null; }   // being replaced this instant (AtomicFile renames): read on the next poll
    }

    /// <summary>True when a folder is a run the page should list: it has event files, or it is a run folder written before them.</summary>
    public static bool IsRun(string dir) => EventFileReader.FilesIn(dir).Length > 0 || File.Exists(new RunFolder(dir).ConfigPath);
}
