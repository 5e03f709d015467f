using System.Globalization;
using System.Text.RegularExpressions;
using Scratch.Gan.Sweeps;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>
/// bench/quality.sh: it marks digits? in shell with the sweep's thresholds copied (kept equal to
/// DigitsRule here), and runs a budget ladder of train / resume / eval calls, checked against a stub CLI.
/// </summary>
public class QualityBenchTests
{
    static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln"))) return dir.FullName;
        throw new FileNotFoundException("bench/quality.sh (no Scratch.sln above the test's folder)");
    }
    static string Script() => File.ReadAllText(Path.Combine(Root(), "bench", "quality.sh"));

    /// <summary>The script needs bash and python3 (to read eval's JSON); a machine without them skips, saying so.</summary>
    public sealed class ShellFactAttribute : FactAttribute
    {
        public ShellFactAttribute([System.Runtime.CompilerServices.CallerMemberName] string test = "")
        {
            var missing = new[] { "bash", "python3" }
                .Where(t => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, t)))).ToList();
            if (missing.Count > 0) Skipping.Because(this, test, $"needs {string.Join(" and ", missing)} on PATH");
        }
    }

    // A stand-in for the CLI: logs each call, makes the checkpoint train would, prints what eval --json would.
    const string Stub = """
        #!/usr/bin/env bash
        echo "$*" >> "$STUB_LOG"
        if [[ $1 == train ]]; then
          while [[ $# -gt 0 ]]; do case $1 in --out|--resume) run=$2; shift ;; esac; shift; done
          mkdir -p "$run/checkpoints" && touch "$run/checkpoints/latest.safetensors"
        elif [[ $1 == pick ]]; then
          echo "{\"kept\": \"$3/checkpoints/latest.safetensors\", \"why\": \"the second start, in this stub\"}"
        elif [[ $1 == eval ]]; then
          echo '{"epoch": 3, "iteration": 120, "generated": {"inception_score": 6.25, "frechet": 40.5, "classes_covered": 10}, "codes": null}'
        fi
        """;

    /// <summary>Runs bench/quality.sh on model vanilla, seed 7, against the stub CLI; returns its calls and the folder.</summary>
    static (string[] Calls, string Dir) RunAgainstStub(params (string Key, string Value)[] environment) => RunAgainstStub("vanilla", environment);

    static (string[] Calls, string Dir) RunAgainstStub(string model, params (string Key, string Value)[] environment)
    {
        var (code, output, calls, dir) = RunScript(model, environment);
        Assert.True(code == 0, output);
        return (calls, dir);
    }

    static (int Code, string Output, string[] Calls, string Dir) RunScript(string model, params (string Key, string Value)[] environment) =>
        RunScriptIn(TempDirs.New("scratch-quality-").FullName, model, environment);

    /// <summary>Runs the script with its output in DIR/out (an earlier call's, if any); the calls are this call's only.</summary>
    static (int Code, string Output, string[] Calls, string Dir) RunScriptIn(string dir, string model, (string Key, string Value)[] environment)
    {
        File.Delete(Path.Combine(dir, "calls.log"));
        var stub = Path.Combine(dir, "scratch");
        File.WriteAllText(stub, Stub.Replace("\r\n", "\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Root(), "bench", "quality.sh"), model])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in new[] { ("SCRATCH_BIN", stub), ("STUB_LOG", Path.Combine(dir, "calls.log")), ("SEEDS", "7"),
                 ("QUALITY_OUT", Path.Combine(dir, "out")) }.Concat(environment))
            psi.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        var log = Path.Combine(dir, "calls.log");
        return (p.ExitCode, output, File.Exists(log) ? File.ReadAllLines(log) : [], dir);
    }

    [ShellFact]
    public void Train_args_reach_the_first_train_call_only_and_every_budget_is_evaluated()
    {
        var (calls, dir) = RunAgainstStub(("QUALITY_MINUTES", "1 2.5"), ("TRAIN_ARGS", "--batch-size 64 --lr 0.002"));
        try
        {
            Assert.Equal(4, calls.Length);   // train, eval, resume, eval
            Assert.StartsWith("train --model vanilla --seed 7 --minutes 1 ", calls[0]);
            Assert.EndsWith("--batch-size 64 --lr 0.002", calls[0]);
            Assert.StartsWith("train --resume ", calls[2]);
            Assert.Contains("--minutes 1.5 ", calls[2]);   // up to the next budget, not past it
            Assert.DoesNotContain("--batch-size", calls[2]);   // a resume may not change the recipe
            Assert.All(new[] { calls[1], calls[3] }, c => Assert.StartsWith("eval --checkpoint ", c));

            var rows = File.ReadAllLines(Path.Combine(dir, "out", "quality.csv")).Skip(1).ToList();
            Assert.Equal(["vanilla,1,7,ok,3,120,6.25,40.5,10,,,,O", "vanilla,2.5,7,ok,3,120,6.25,40.5,10,,,,O"], rows);
            Assert.Contains("train flags --batch-size 64 --lr 0.002", File.ReadAllText(Path.Combine(dir, "out", "quality.md")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [ShellFact]
    public void Iteration_budgets_train_and_resume_up_to_each_count_of_the_run()
    {
        var (calls, dir) = RunAgainstStub(("QUALITY_ITERATIONS", "100 250"));
        try
        {
            Assert.Equal(4, calls.Length);
            Assert.StartsWith("train --model vanilla --seed 7 --iterations 100 ", calls[0]);
            Assert.StartsWith("train --resume ", calls[2]);
            Assert.Contains("--iterations 250 ", calls[2]);   // the run's count, not the 150 more that minutes would subtract
            Assert.DoesNotContain("--minutes", string.Join("\n", calls));
            Assert.Contains("| model | iterations | seeds ok |", File.ReadAllText(Path.Combine(dir, "out", "quality.md")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [ShellFact]
    public void A_pick_trains_each_start_keeps_the_one_pick_names_and_only_it_goes_on()
    {
        var (calls, dir) = RunAgainstStub("infogan",
            ("QUALITY_ITERATIONS", "250 1000"), ("PICK_OF", "3"), ("PICK_AT", "100"), ("TRAIN_ARGS", "--info-max 1"));
        try
        {
            Assert.Equal(8, calls.Length);   // three starts, the pick, then eval, resume, eval of the kept start
            for (int j = 0; j < 3; j++)
            {
                Assert.StartsWith($"train --model infogan --seed {7 + 1000 * j} --iterations 100 ", calls[j]);
                Assert.EndsWith("--info-max 1", calls[j]);
            }
            var starts = new[] { 7, 1007, 2007 }.Select(seed => Path.Combine(dir, "out", "runs", $"infogan-seed7-start{seed}")).ToArray();
            Assert.Equal($"pick {string.Join(" ", starts)} --json --device cpu", calls[3]);
            Assert.Equal($"train --resume {starts[1]} --iterations 250 --device cpu", calls[4]);   // the stub's pick keeps the second start
            Assert.Equal($"eval --checkpoint {starts[1]}/checkpoints/latest.safetensors --json --n 10000 --device cpu", calls[5]);
            Assert.Equal($"train --resume {starts[1]} --iterations 1000 --device cpu", calls[6]);
            Assert.Contains("pick of 3 starts at 100 iterations", File.ReadAllText(Path.Combine(dir, "out", "quality.md")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [ShellFact]
    public void Run_again_it_trains_and_measures_only_what_an_interrupted_run_had_not()
    {
        (string, string)[] env = [("QUALITY_ITERATIONS", "250 1000"), ("PICK_OF", "3"), ("PICK_AT", "100")];
        var (code, output, first, dir) = RunScript("infogan", env);
        try
        {
            Assert.True(code == 0, output);
            Assert.Equal(8, first.Length);
            // Interrupted while start 2007 trained, before the kept start's last budget was measured.
            var runs = Path.Combine(dir, "out", "runs");
            File.Delete(Path.Combine(runs, "infogan-seed7-start2007.done"));
            File.Delete(Path.Combine(runs, "infogan-seed7-start1007-1000.eval.json"));
            File.Delete(Path.Combine(runs, "infogan-seed7-start1007-1000.trained"));
            (code, output, var again, _) = RunScriptIn(dir, "infogan", env);
            Assert.True(code == 0, output);
            var kept = Path.Combine(runs, "infogan-seed7-start1007");
            Assert.Equal(4, again.Length);   // start 2007, the pick, the last budget's resume and eval; budget 250 read back
            Assert.StartsWith("train --model infogan --seed 2007 --iterations 100 ", again[0]);
            Assert.StartsWith("pick ", again[1]);
            Assert.Equal($"train --resume {kept} --iterations 1000 --device cpu", again[2]);
            Assert.StartsWith($"eval --checkpoint {kept}/", again[3]);
            Assert.Contains("start infogan-seed7-start7 was trained by an earlier call", output);
            Assert.Contains("infogan 250 iterations seed 7: measured by an earlier call", output);
            var rows = File.ReadAllLines(Path.Combine(dir, "out", "quality.csv")).Skip(1);
            Assert.Equal(["250", "1000"], rows.Select(r => r.Split(',')[1]));   // both budgets' rows, one read back

            // Minute budgets count each call, so an earlier run's folder cannot be continued: refused, nothing run.
            (code, output, again, _) = RunScriptIn(dir, "infogan", [("QUALITY_MINUTES", "1")]);
            Assert.Equal(2, code);
            Assert.Contains("minute budgets cannot continue it", output);
            Assert.Empty(again);
        }
        finally { Directory.Delete(dir, true); }
    }

    [ShellFact]
    public void A_pick_is_refused_where_it_cannot_compare_starts()
    {
        foreach (var (model, env, expect) in new[]
        {
            ("vanilla", new[] { ("QUALITY_ITERATIONS", "500"), ("PICK_OF", "3") }, "infogan runs only"),
            ("infogan", new[] { ("QUALITY_MINUTES", "5"), ("PICK_OF", "3") }, "needs QUALITY_ITERATIONS"),
            ("infogan", new[] { ("QUALITY_ITERATIONS", "250 500"), ("PICK_OF", "3") }, "must be below the first budget"),
            ("infogan", new[] { ("QUALITY_ITERATIONS", "500"), ("PICK_OF", "2") }, "at least 3"),
            ("infogan", new[] { ("QUALITY_ITERATIONS", "500"), ("PICK_OF", "two") }, "positive whole numbers"),
        })
        {
            var (code, output, calls, dir) = RunScript(model, env);
            Directory.Delete(dir, true);
            Assert.True(code == 2, output);
            Assert.Contains(expect, output);
            Assert.Empty(calls);
        }
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
