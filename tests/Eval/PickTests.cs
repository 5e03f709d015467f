using System.Text.Json;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Eval;

/// <summary>`scratch pick`: the label-free choice among InfoGAN runs (Evaluation/RunPick.cs), as a user meets it.</summary>
[Collection("serial")]
public class PickTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => Gan.CliTests.Run(args);
    static void OneLineFailure((int Code, string Out, string Err) r, string expect) => Gan.CliTests.OneLineFailure(r, expect);

    /// <summary>A run folder holding an untrained model's checkpoint at the given iteration: its own seed gives its own Q.</summary>
    static string RunFolderWith(string model, ulong seed, long iteration = 250)
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var config = Zoo.Defaults(Setting.Parse<ModelKind>(model)) with { Seed = seed };
        RunFolder.SaveCheckpoint(Path.Combine(dir, "checkpoints", "latest.safetensors"), new GanModel(config, Device.Cpu), new(iteration, 1, 0, 0, double.NaN, double.NaN));
        return dir;
    }

    [Fact]
    public void Pick_keeps_the_run_with_the_most_information_whatever_the_order_and_says_why()
    {
        var runs = new[] { RunFolderWith("infogan", 1), RunFolderWith("infogan", 2), RunFolderWith("infogan", 3) };
        string? keptBefore = null;
        foreach (var order in new[] { runs, runs.Reverse().ToArray() })
        {
            var r = Run(["pick", .. order, "--n", "200", "--json", "--device", "cpu"]);
            Assert.True(r.Code == 0, r.Err);
            var j = JsonDocument.Parse(r.Out).RootElement;
            var scored = j.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(3, scored.Count);
            var info = scored.Select(s => s.GetProperty("information").GetDouble()).ToArray();
            Assert.All(info, i => Assert.InRange(i, 0, Math.Log(10)));
            Assert.Equal(3, info.Distinct().Count());   // three seeds, three different Qs
            Assert.All(scored, s => Assert.Equal(200, s.GetProperty("images").GetInt32()));
            var kept = j.GetProperty("kept").GetString();
            Assert.Equal(scored[Array.IndexOf(info, info.Max())].GetProperty("checkpoint").GetString(), kept);
            Assert.Contains($"{info.Max():F3} nats", j.GetProperty("why").GetString());
            keptBefore ??= kept;
            Assert.Equal(keptBefore, kept);
        }

        var table = Run(["pick", .. runs, "--n", "200", "--device", "cpu"]);
        Assert.True(table.Code == 0, table.Err);
        Assert.Single(table.Out.Split('\n'), l => l.EndsWith("<- kept"));
        Assert.StartsWith("kept " + runs.Single(d => keptBefore!.StartsWith(d)) + ": Q's information", table.Out.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Bad_pick_input_fails_with_one_line()
    {
        var a = RunFolderWith("infogan", 1);
        OneLineFailure(Run("pick", a), "at least two runs");
        OneLineFailure(Run("pick", a, a), "named twice");
        OneLineFailure(Run("pick", a, Path.Combine(a, "missing")), "no such run folder or file");
        OneLineFailure(Run("pick", a, Directory.CreateTempSubdirectory().FullName), "no checkpoints/latest.safetensors");
        OneLineFailure(Run("pick", a, RunFolderWith("vanilla", 1), "--n", "100"), "has no Q network");
        OneLineFailure(Run("pick", a, RunFolderWith("infogan", 2, iteration: 500), "--n", "100"), "different iterations (250, 500)");
        OneLineFailure(Run("pick", a, RunFolderWith("infogan", 2), "--n", "5"), "--n: must be at least 100");
    }
}
