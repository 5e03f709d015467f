using Xunit;

namespace Scratch.Tests;

/// <summary>
/// The style rule a learner reads by, kept: no line of C# under src/, tests/ or examples/ is over 150 characters
/// (build outputs in bin/ and obj/ are not the tree's). In a course copy (`scratch course init`) each task's
/// stub carries the task's text in one string, as its marker comment did; those generated lines are not counted.
/// </summary>
public class StyleTests
{
    const int MaxLine = 150;
    const string CourseStub = "throw new NotImplementedException(\"Task ";

    [Fact]
    public void No_line_in_src_tests_or_examples_is_over_150_characters()
    {
        var root = Architecture.LayerTests.RepoRoot();
        var files = new[] { "src", "tests", "examples" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 100, $"found only {files.Count} .cs files under {root}");
        var tooLong = files
            .SelectMany(file => File.ReadAllLines(Path.Combine(root, file)).Select((line, i) => (file, number: i + 1, line)))
            .Where(l => l.line.Length > MaxLine && !l.line.Contains(CourseStub, StringComparison.Ordinal))
            .Select(l => $"{l.file}:{l.number} ({l.line.Length} chars)").ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines over {MaxLine} characters:\n" + string.Join("\n", tooLong));
    }
}
