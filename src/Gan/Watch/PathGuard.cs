namespace Scratch.Gan.Watch;

/// <summary>
/// Turns the path a page asked for (/files/PATH) into a file inside the watched folder, or refuses it.
/// Refused: an absolute path, a ".." segment, a backslash or NUL, in the path as sent or after any
/// number of rounds of percent-decoding (a %2E%2E or %252E%252E is a ".." too); anything that resolves
/// outside the folder, symbolic links followed; and any kind of file the page does not show.
/// </summary>
public static class PathGuard
{
    /// <summary>The files the page shows, with the content type each is served as.</summary>
    static readonly Dictionary<string, string> Served = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".gif"] = "image/gif",
        [".txt"] = "text/plain; charset=utf-8",
        [".json"] = "application/json",
        [".csv"] = "text/csv; charset=utf-8",
    };

    /// <summary>The full path of the file and its content type; or null and why it was refused.</summary>
    public static (string? Path, string? ContentType, string? Refusal) Resolve(string root, string requested)
    {
        var path = requested;
        // Decode until nothing changes: a path encoded twice must not pass the checks in its encoded form.
        for (int round = 0; round < 5; round++)
        {
            var decoded = Uri.UnescapeDataString(path);
            if (decoded == path) break;
            path = decoded;
        }
        if (path.Length == 0) return (null, null, "no file named");
        if (path.Contains('\0') || path.Contains('\\')) return (null, null, "a path with a backslash or NUL");
        if (path.StartsWith('/') || Path.IsPathRooted(path)) return (null, null, "an absolute path");
        if (path.Split('/').Any(segment => segment == "..")) return (null, null, "a path with '..'");
        if (!Served.TryGetValue(Path.GetExtension(path), out var contentType))
            return (null, null, $"not a kind of file the page shows ({Path.GetExtension(path)})");

        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, path));
        if (!full.StartsWith(fullRoot, StringComparison.Ordinal)) return (null, null, "a path outside the watched folder");
        // A link inside the folder (a run's subfolder or the file itself) may point anywhere: what it reaches must be inside too.
        var realRoot = RealPath(fullRoot);
        var at = fullRoot;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            at = Path.Combine(at, segment);
            FileSystemInfo entry = Directory.Exists(at) ? new DirectoryInfo(at) : new FileInfo(at);
            if (entry.LinkTarget == null) continue;
            var target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            bool inside = target != null
                && (target.StartsWith(realRoot, StringComparison.Ordinal) || target.StartsWith(fullRoot, StringComparison.Ordinal));
            if (!inside) return (null, null, "a link to outside the watched folder");
        }
        return (full, contentType, null);
    }

    /// <summary>The folder with every link along its own path followed, ending in a separator.</summary>
    static string RealPath(string dir)
    {
        var info = new DirectoryInfo(dir);
        var resolved = info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName : info.FullName;
        return resolved.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
    }
}
