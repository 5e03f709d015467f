using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Scratch.Tests.Examples;

/// <summary>
/// Runs every lesson in examples/ the way a reader does, `dotnet run -c Release examples/NN-….cs`, and
/// checks that it exits 0 (each lesson exits 1 when one of its claims fails) and prints what the
/// lesson is about. So a change that breaks a lesson, or makes one of its claims false, fails CI.
///
/// Cost: the src projects are already built by the test run's own Release build (same bin/Release
/// folders), so each lesson compiles only its one file; measured on the 2-core machine, about 10–20 s
/// a lesson the first time and 2–3 s when nothing changed (the SDK caches a file-based app's build).
/// </summary>
public class ExamplesTests(ITestOutputHelper output)
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Scratch.sln"))) return d.FullName;
        throw new InvalidOperationException($"no Scratch.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Every numbered lesson found in examples/ — a new one is run without touching this file.</summary>
    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var f in LessonFiles()) data.Add(f);
        return data;
    }

    // Names like 01-tensors-and-strides.cs (file-name patterns cannot say "two digits", so filter).
    static string[] LessonFiles() => Directory.GetFiles(Path.Combine(Root, "examples"), "*.cs").Select(Path.GetFileName)
        .Where(n => n!.Length > 3 && char.IsAsciiDigit(n[0]) && char.IsAsciiDigit(n[1]) && n[2] == '-').Order().ToArray()!;

    /// <summary>Lines a lesson must print besides its final "all claims hold": the point of the lesson.</summary>
    static readonly Dictionary<string, string[]> KeyOutput = new()
    {
        ["01-tensors-and-strides.cs"] = ["strides [1, 4]", "expand gives the new dim stride 0"],
        ["02-autograd-by-hand.cs"] = ["w.grad equals the hand-derived"],
        ["03-gradcheck-your-op.cs"] = ["ok   a wrong derivative fails gradcheck", "gradcheck failed for input 0 [3,4] at (2, 3)",
            "does not scale with grad_output"],
        ["04-mlp-on-mnist.cs"] = ["held-out accuracy"],
        ["05-gan-in-one-page.cs"] = ["G's mean"],
        ["06-minimax-toy.cs"] = ["it spirals out"],
        ["07-numerical-stability.cs"] = ["loss D = Infinity", "D(G(z)) = 1 exactly", "every gradient finite: True"],
        ["08-same-ops-every-device.cs"] = ["ok   ilgpu-cpu: each elementwise op is exactly one kernel launch",
            "ok   ilgpu-cpu: x · y gives cpu-ref's bits",
            "ok   ilgpu-cpu: tanh(x) is within", "ok   ilgpu-cpu: the same sum twice gives the same bits"],
        ["09-scalar-autograd.cs"] = ["ok   x1.grad = w1·do/dn",
            "ok   backward agrees with central differences", "ok   every prediction has its target's sign"],
        ["10-conv-and-batchnorm.cs"] = ["ok   x.grad = conv_transpose2d(g, W)",
            "ok   every channel comes out with mean 0 and variance 1", "ok   Σ dx = 0 in every channel"],
        ["12-gradient-penalty.cs"] = ["ok   the double backward equals 2(‖w‖ − 1)·w/‖w‖", "ok   gradcheck: the double backward's d penalty/dW",
            "ok   the penalty alone drives the slope to 1"],
        ["11-scores-on-small-sets.cs"] = ["ok   IS = 10.000", "ok   collapse and indecision both score 1",
            "ok   the same distribution scores FD > 0, less with every larger set"],
    };

    [Fact]
    public void Every_lesson_is_found() => Assert.True(LessonFiles().Length >= 12, "examples/ should hold the twelve numbered lessons");

    [Theory, MemberData(nameof(Lessons))]
    public void Lesson_runs_and_its_claims_hold(string file)
    {
        var (code, text, seconds) = Run(file);
        output.WriteLine($"{file}: exit {code} in {seconds:F1} s\n{text}");
        Assert.True(code == 0, $"{file} exited {code}:\n{Tail(text)}");
        Assert.DoesNotContain("FAIL ", text);
        Assert.Contains($"lesson {int.Parse(file[..2])}: all claims hold", text);
        foreach (var line in KeyOutput.GetValueOrDefault(file, [])) Assert.Contains(line, text);
    }

    static (int Code, string Text, double Seconds) Run(string file)
    {
        var psi = new ProcessStartInfo("dotnet", ["run", "-c", "Release", Path.Combine("examples", file)])
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Build helpers that outlive the build (MSBuild nodes, the build server) would keep the output
        // pipes open after the lesson exits; the test host's own MSBuild settings must not leak in.
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                 && k != "MSBUILDDISABLENODEREUSE").ToList())
            psi.Environment.Remove(key);

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var text = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine(e.Data); };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"timed out after 5 minutes\n{text}", clock.Elapsed.TotalSeconds);
        }
        // WaitForExit with a timeout returns when the process ends, possibly before the last output
        // lines have been read; the parameterless one also waits for the end of both streams.
        Task.Run(() => p.WaitForExit()).Wait(TimeSpan.FromSeconds(30));
        lock (text) return (p.ExitCode, text.ToString(), clock.Elapsed.TotalSeconds);
    }

    static string Tail(string s) => s.Length <= 4000 ? s : "…" + s[^4000..];
}
