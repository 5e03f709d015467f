using System.Text.RegularExpressions;
using Xunit;

namespace Scratch.Tests.Docs;

/// <summary>
/// Every relative link in the guides (README, docs/, examples/, the READMEs under src/) names a file or
/// folder that exists, so moving or renaming a guide, a picture or a source file cannot leave a learner
/// a dead link. Web addresses and in-page anchors are not checked: the first needs a network, the second
/// GitHub's own heading slugs.
/// </summary>
public class LinkTests
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Scratch.sln above the test's folder");
    }

    /// <summary>The Markdown files a learner reads: the tree's own, not build outputs.</summary>
    static IEnumerable<string> Guides() =>
        new[] { "README.md" }.Select(f => Path.Combine(Root, f))
            .Concat(new[] { "docs", "examples", "src", "questions" }
                .Select(d => Path.Combine(Root, d))
                .Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*.md", SearchOption.AllDirectories)))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    // [text](target) and ![alt](target); the target ends at the first space or closing parenthesis.
    static readonly Regex Link = new(@"\]\(([^)\s]+)\)");

    /// <summary>The relative targets of one Markdown text, without their #anchor.</summary>
    internal static IEnumerable<string> RelativeTargets(string markdown) =>
        Link.Matches(markdown).Select(m => m.Groups[1].Value)
            .Where(t => !t.StartsWith('#') && !Regex.IsMatch(t, "^[a-z]+:"))
            .Select(t => t.Split('#')[0]);

    [Fact]
    public void Every_relative_link_in_the_guides_resolves()
    {
        var guides = Guides().ToList();
        Assert.True(guides.Count > 10, $"found only {guides.Count} guides under {Root}");
        var broken = (from guide in guides
                      from target in RelativeTargets(File.ReadAllText(guide))
                      let path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(guide)!, Uri.UnescapeDataString(target)))
                      where !File.Exists(path) && !Directory.Exists(path)
                      select $"{Path.GetRelativePath(Root, guide)} → {target}").ToList();
        Assert.True(broken.Count == 0, "dead links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_link_reader_finds_relative_targets_and_ignores_web_addresses_and_anchors()
    {
        var md = "see [a](docs/a.md#part), ![pic](images/p.png), [web](https://example.org/x) and [here](#top).";
        Assert.Equal(["docs/a.md", "images/p.png"], RelativeTargets(md));
    }
}
