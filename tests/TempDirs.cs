using System.Diagnostics;

namespace Scratch.Tests;

/// <summary>
/// Temporary folders for tests, all inside one folder per test process, which the next test process deletes. A test's
/// training run leaves ~150 MB of checkpoints; folders left in the system's temporary folder after every suite run
/// filled a disk here (tens of GB in a day) and then failed the suite itself with "No space left on device".
/// Deleting at the end of a run is not possible: `dotnet test` kills its test host as the last result arrives
/// (process-exit handlers never run, and a deletion in xunit's framework disposal was cut short), so at most the
/// last run's folder stays behind.
/// </summary>
public static class TempDirs
{
    const string Prefix = "scratch-tests-";

    /// <summary>This process's folder, scratch-tests-PID-random in the system's temporary folder; made on first use.</summary>
    public static readonly string Root = MakeRoot();

    /// <summary>A new empty folder inside <see cref="Root"/>, its name starting with <paramref name="prefix"/>.</summary>
    public static DirectoryInfo New(string prefix = "") => Directory.CreateDirectory(Fresh(prefix));

    /// <summary>A path inside <see cref="Root"/> that nothing has made yet, for a test whose subject makes it.</summary>
    public static string Fresh(string prefix) => Path.Combine(Root, prefix + Guid.NewGuid().ToString("N")[..12]);

    static string MakeRoot()
    {
        DeleteEnded(Path.GetTempPath());
        return Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
    }

    /// <summary>Deletes the folders in <paramref name="parent"/> of test processes that have ended; a live one's (a suite
    /// beside this one) stays.</summary>
    internal static void DeleteEnded(string parent)
    {
        foreach (var dir in Directory.EnumerateDirectories(parent, Prefix + "*"))
            if (int.TryParse(Path.GetFileName(dir)[Prefix.Length..].Split('-')[0], out int pid) && !Alive(pid)) Delete(dir);
    }

    static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }   // no such process
    }

    static void Delete(string dir)
    {
        // A file held open by a child process that a failed test left running may refuse; the next run retries.
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
