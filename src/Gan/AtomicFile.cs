namespace Scratch.Gan;

/// <summary>
/// Every file the program writes (pictures, IDX, config.json, eval.json, sweep tables, metrics.csv,
/// epoch_times.csv, warnings.txt) goes to a temporary file beside the target and is then renamed over
/// it: a failed or interrupted write never leaves a half-written file in place of a good one, appends
/// included (<see cref="Append"/> writes the old text and the new line as a new file). A failure is
/// one IOException naming the path.
/// </summary>
public static class AtomicFile
{
    /// <param name="example">a file name to suggest when the path is a folder</param>
    public static void Write(string path, byte[] bytes, string example = "samples.png")
    {
        if (Directory.Exists(path)) throw new IOException($"'{path}' is a folder; give a file name to write (for example {Path.Combine(path, example)})");
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (Exception) { /* the temporary file may never have been made */ }
            throw new IOException($"cannot write '{path}': {e.Message}");
        }
    }

    public static void WriteText(string path, string text, string example = "out.txt") =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), example);

    /// <summary>
    /// Adds text at the end of a file (made if missing) by replacing the whole file: an interrupted append
    /// leaves the file as it was. For small files written now and then (epoch times, warnings); metrics.csv,
    /// written every iteration, keeps its rows in memory instead (Training/MetricsLog.cs).
    /// </summary>
    public static void Append(string path, string text, string example = "out.txt") =>
        WriteText(path, (File.Exists(path) ? File.ReadAllText(path) : "") + text, example);
}
