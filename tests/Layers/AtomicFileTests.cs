using Scratch.Layers;
using Xunit;

namespace Scratch.Tests.Layers;

public class AtomicFileTests
{
    static string TempDir() => TempDirs.New("scratch-atomic-").FullName;

    [Fact]
    public void WritesReplacesAndAppendsWholeFiles()
    {
        var path = Path.Combine(TempDir(), "sub", "log.csv");   // the folder is created
        AtomicFile.WriteText(path, "a\n");
        AtomicFile.AppendText(path, "b\n");
        AtomicFile.AppendText(path, "c\n");
        Assert.Equal("a\nb\nc\n", File.ReadAllText(path));
        AtomicFile.WriteText(path, "new\n");
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(["log.csv"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));   // no temporary left
    }

    [Fact]
    public void AnInterruptedWriteLeavesTheOldFile()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "model.safetensors");
        AtomicFile.WriteText(path, "good");
        Assert.Throws<InvalidOperationException>(
            () => AtomicFile.Write(path, s => { s.Write("half"u8); throw new InvalidOperationException("interrupted"); }));
        Assert.Equal("good", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void AFolderOrAnUnwritablePlaceIsOneLineNamingThePath()
    {
        var dir = TempDir();
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteText(dir, "x", "eval.json"));
        Assert.Equal($"'{dir}' is a folder; give a file name to write (for example {Path.Combine(dir, "eval.json")})", e.Message);
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var inside = Path.Combine(blocker, "x.txt");   // a file where a folder should be
        e = Assert.Throws<IOException>(() => AtomicFile.WriteText(inside, "x"));
        Assert.StartsWith($"cannot write '{inside}': ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
