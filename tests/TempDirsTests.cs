using System.Diagnostics;
using Xunit;

namespace Scratch.Tests;

public class TempDirsTests
{
    [Fact]
    public void A_test_folder_of_an_ended_process_is_deleted_and_a_live_ones_and_other_folders_stay()
    {
        using var ended = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        ended.WaitForExit();
        var parent = TempDirs.New("parent-").FullName;
        string Make(string name)
        {
            var d = Path.Combine(parent, name);
            Directory.CreateDirectory(Path.Combine(d, "checkpoints"));
            File.WriteAllText(Path.Combine(d, "checkpoints", "latest.safetensors"), "x");
            return d;
        }
        var gone = Make($"scratch-tests-{ended.Id}-abc123");
        var live = Make($"scratch-tests-{Environment.ProcessId}-def456");
        var other = Make($"someone-else-{ended.Id}");
        TempDirs.DeleteEnded(parent);
        Assert.False(Directory.Exists(gone));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
    }

    [Fact]
    public void New_folders_are_empty_distinct_and_inside_this_processs_root()
    {
        var a = TempDirs.New("a-").FullName;
        var b = TempDirs.New("a-").FullName;
        Assert.NotEqual(a, b);
        Assert.Equal(TempDirs.Root, Path.GetDirectoryName(a));
        Assert.Empty(Directory.EnumerateFileSystemEntries(a));
        Assert.StartsWith($"scratch-tests-{Environment.ProcessId}-", Path.GetFileName(TempDirs.Root));
        Assert.False(Directory.Exists(TempDirs.Fresh("never-")));
    }
}
