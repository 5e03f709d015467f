namespace Scratch.Layers;

/// <summary>
/// Every file the program writes (checkpoints, pictures, config.json, logs) goes to a temporary file
/// beside the target, is flushed to disk, and is then renamed over it: a failed or interrupted write
/// never leaves a half-written file in place of a good one. It lives here, in Layers, because a
/// checkpoint (<see cref="SafeTensors"/>) is the lowest thing that writes a file. A failure to write
/// is one IOException naming the path.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with whatever <paramref name="write"/> puts into the stream it is given.</summary>
    /// <param name="example">a file name to suggest when the path is a folder</param>
    public static void Write(string path, Action<Stream> write, string example = "out.bin")
    {
        if (Directory.Exists(path))
            throw new IOException($"'{path}' is a folder; give a file name to write (for example {Path.Combine(path, example)})");
        var full = Path.GetFullPath(path);
        var tmp = full + $".tmp-{Environment.ProcessId}";   // two processes writing one file do not share a temporary
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            {
                write(f);
                f.Flush(flushToDisk: true);   // the bytes are on disk before the rename makes them the file
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write '{path}': {e.Message}", e);
        }
        finally
        {
            try { File.Delete(tmp); } catch (Exception) { /* the temporary file may never have been made */ }
        }
    }

    /// <param name="example">a file name to suggest when the path is a folder</param>
    public static void Write(string path, byte[] bytes, string example = "samples.png") => Write(path, s => s.Write(bytes), example);

    public static void WriteText(string path, string text, string example = "out.txt") =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), example);

    /// <summary>
    /// Adds <paramref name="text"/> at the end of the file (creating it): the old contents and the new
    /// text are written to a temporary file that then replaces the file, so an interrupted append leaves
    /// the file as it was, never a half line. Each call copies the whole file: meant for logs of a few
    /// megabytes written a line at a time, not for streams.
    /// </summary>
    public static void AppendText(string path, string text, string example = "out.txt") =>
        Write(path, s =>
        {
            if (File.Exists(path)) using (var old = File.OpenRead(path)) old.CopyTo(s);
            s.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }, example);
}
