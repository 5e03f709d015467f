using System.Text.Json;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Eval;

/// <summary>`scratch pick`: the label-free choice among InfoGAN runs (Evaluation/RunPick.cs), as a user meets it.</summary>
[Collection("serial")]
public class PickTests
{
    /// <summary>A run folder holding an untrained model's checkpoint at the given iteration: its own seed gives its own Q.</summary>
    static string RunFolderWith(string model, ulong seed, long iteration = 250, string data = "embedded")
    {
        var dir = TempDirs.New().FullName;
        var config = Zoo.Defaults(Setting.Parse<ModelKind>(model)) with { Seed = seed, Data = data };
        RunFolder.SaveCheckpoint(Path.Combine(dir, "checkpoints", "latest.safetensors"), new GanModel(config, Device.Cpu),
            new(iteration, 1, 0, 0, double.NaN, double.NaN));
        return dir;
    }

    [Fact]
    public void The_run_that_agrees_most_with_the_others_is_central_counted_by_hand()
    {
        // Six images of three kinds. A sorts them exactly (under other names); B and C each misplace one image, differently.
        int[] a = [2, 2, 0, 0, 1, 1], b = [0, 0, 1, 1, 1, 2], c = [0, 1, 1, 1, 2, 2];
        Assert.Equal(5 / 6.0, Scratch.Gan.Evaluation.RunPick.Agreement(a, b, 3), 12);
        Assert.Equal(4 / 6.0, Scratch.Gan.Evaluation.RunPick.Agreement(b, c, 3), 12);
        var centrality = Scratch.Gan.Evaluation.RunPick.Centrality([b, c, a], 3);
        Assert.Equal([0.75, 0.75, Math.Round(5 / 6.0, 12)], centrality.Select(x => Math.Round(x, 12)));
        Assert.Equal(2, Scratch.Gan.Evaluation.RunPick.Best(centrality));
        Assert.Equal(0, Scratch.Gan.Evaluation.RunPick.Best([0.75, 0.75]));   // the first of equals
        Assert.Throws<ArgumentException>(() => Scratch.Gan.Evaluation.RunPick.Centrality([a, b], 3));
    }

    [Fact]
    public void Pick_keeps_the_most_central_run_and_says_why()
    {
        var runs = new[] { RunFolderWith("infogan", 1), RunFolderWith("infogan", 2), RunFolderWith("infogan", 3) };
        var r = Run(["pick", .. runs, "--n", "200", "--json", "--device", "cpu"]);
        Assert.True(r.Code == 0, r.Err);
        var j = JsonDocument.Parse(r.Out).RootElement;
        var scored = j.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(3, scored.Count);
        var central = scored.Select(s => s.GetProperty("mean_agreement").GetDouble()).ToArray();
        Assert.All(central, x => Assert.InRange(x, 0, 1));
        Assert.All(scored, s => Assert.InRange(s.GetProperty("information").GetDouble(), 0, Math.Log(10)));
        Assert.All(scored, s => Assert.Equal(200, s.GetProperty("images").GetInt32()));
        int best = Array.IndexOf(central, central.Max());
        Assert.Equal(scored[best].GetProperty("checkpoint").GetString(), j.GetProperty("kept").GetString());
        Assert.Contains($"{central.Max():P1} on average", j.GetProperty("why").GetString());

        var table = Run(["pick", .. runs, "--n", "200", "--device", "cpu"]);
        Assert.True(table.Code == 0, table.Err);
        Assert.Single(table.Out.Split('\n'), l => l.EndsWith("<- kept"));
        Assert.StartsWith($"kept {runs[best]}: its Q sorts the images most like the other runs do", table.Out.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Bad_pick_input_fails_with_one_line()
    {
        var (a, b) = (RunFolderWith("infogan", 1), RunFolderWith("infogan", 2));
        OneLineFailure(Run("pick", a, b), "at least three runs");
        OneLineFailure(Run("pick", a, b, a), "named twice");
        OneLineFailure(Run("pick", a, b, Path.Combine(a, "missing")), "no such run folder or file");
        OneLineFailure(Run("pick", a, b, TempDirs.New().FullName), "no checkpoints/latest.safetensors");
        OneLineFailure(Run("pick", a, b, RunFolderWith("vanilla", 1), "--n", "100"), "has no Q network");
        OneLineFailure(Run("pick", a, b, RunFolderWith("infogan", 3, iteration: 500), "--n", "100"), "different iterations (250, 250, 500)");
        OneLineFailure(Run("pick", a, b, RunFolderWith("infogan", 3, data: EvalCliTests.TinyData()), "--n", "100"), "trained on different data");
        OneLineFailure(Run("pick", a, b, RunFolderWith("infogan", 3), "--n", "5"), "--n: must be at least 100");
    }
}
