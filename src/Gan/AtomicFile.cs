namespace Scratch.Gan;

/// <summary>
/// Every file the program writes (pictures, IDX, config.json, eval.json, sweep tables) goes to a
/// temporary file beside the target and is then renamed over it: a failed or interrupted write never
/// leaves a half-written file in place of a good one. A failure is one IOException naming the path.
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
}
