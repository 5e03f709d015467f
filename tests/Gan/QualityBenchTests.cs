using System.Globalization;
using System.Text.RegularExpressions;
using Scratch.Gan.Sweeps;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>bench/quality.sh marks digits? in shell, with the sweep's thresholds copied; this keeps the copy equal to DigitsRule.</summary>
public class QualityBenchTests
{
    static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln"))) return File.ReadAllText(Path.Combine(dir.FullName, "bench", "quality.sh"));
        throw new FileNotFoundException("bench/quality.sh (no Scratch.sln above the test's folder)");
    }

    [Fact]
    public void The_quality_bench_uses_the_sweeps_digits_thresholds()
    {
        var m = Regex.Match(Script(), @"^min_is=(\S+) min_classes=(\d+)", RegexOptions.Multiline);
        Assert.True(m.Success, "bench/quality.sh no longer sets min_is and min_classes on one line");
        Assert.Equal(DigitsRule.MinInceptionScore, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(DigitsRule.MinClassesCovered, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}
