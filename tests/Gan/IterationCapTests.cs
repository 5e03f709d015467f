using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// --iterations N: training ends after the run's N-th iteration, saved as at an epoch's end, and a resumed run
/// trains up to a later N. Papers and issues give schedules in iterations (InfoGAN's 5,000), not in epochs.
/// </summary>
[Collection("serial")]
public class IterationCapTests
{
    static string Tmp() => TempDirs.New("scratch-iterations").FullName;

    static string[] MetricsIterations(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();

    static string[] Numbers(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => i.ToString()).ToArray();

    [Fact]
    public void The_trainer_stops_after_iteration_N_mid_epoch_saving_what_an_epoch_end_saves_and_a_resume_goes_on_to_a_later_N()
    {
        var run = new RunFolder(Tmp());
        try
        {
            var config = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 16, Epochs = 2, SampleEvery = 0, CheckpointEvery = 0 };
            var data = ImageSet.Embedded();
            var log = new StringWriter();
            var end = new Trainer(new GanModel(config, Device.Cpu), data, run, new PlainProgress(log)) { MaxIterations = 5 }.Train(null);

            Assert.Equal(TrainingEnd.IterationsDone, end);
            Assert.Contains("iteration 5 reached (--iterations)", log.ToString());
            Assert.Equal(Numbers(1, 5), MetricsIterations(run.Dir));
            var saved = RunFolder.LoadCheckpoint(run.LatestCheckpoint, new GanModel(config, Device.Cpu));
            Assert.Equal((5L, 0, 5), (saved.Iteration, saved.Epoch, saved.BatchInEpoch));
            foreach (var f in new[] { run.Fixed(1), Path.Combine(run.Dir, "curves.png") }) Assert.True(File.Exists(f), f);

            var model = new GanModel(config, Device.Cpu);
            var from = RunFolder.LoadCheckpoint(run.LatestCheckpoint, model);
            var again = new Trainer(model, data, run, new PlainProgress(new StringWriter())) { MaxIterations = 9 }.Train(from);
            Assert.Equal(TrainingEnd.IterationsDone, again);
            Assert.Equal(Numbers(1, 9), MetricsIterations(run.Dir));
        }
        finally { Directory.Delete(run.Dir, true); }
    }

    [Fact]
    public void Train_iterations_alone_plans_the_epochs_that_reach_it_and_resume_trains_across_an_epoch_to_the_new_count()
    {
        var run = Path.Combine(Tmp(), "run");
        // 10,000 digits / 50 per batch = 200 iterations an epoch: 3 iterations need 1 epoch, not the default 5.
        var r = Run("train", "--model", "vanilla", "--batch-size", "50", "--iterations", "3", "--out", run, "--sample-every", "0", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"iteration 3 reached: the run is saved; train further with --resume {run} --iterations M (M > 3)", r.Out);
        Assert.Equal(1, GanConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json"))).Epochs);
        Assert.Equal(Numbers(1, 3), MetricsIterations(run));

        var config = File.ReadAllText(Path.Combine(run, "config.json"));
        var more = Run("train", "--resume", run, "--iterations", "203");   // past the first epoch's 200
        Assert.True(more.Code == 0, more.Err);
        Assert.Equal(config, File.ReadAllText(Path.Combine(run, "config.json")));   // the epochs it needs are this invocation's, not the run's
        Assert.Equal(Numbers(1, 203), MetricsIterations(run));
        Assert.True(File.Exists(Path.Combine(run, "fixed", "epoch-002.png")));   // the second epoch's grid, saved at its stop
    }

    [Fact]
    public void Resuming_to_a_count_the_run_has_already_reached_fails_with_one_line_and_changes_nothing()
    {
        var run = Path.Combine(Tmp(), "run");
        Assert.Equal(0, Run("train", "--model", "vanilla", "--batch-size", "50", "--iterations", "2", "--out", run, "--sample-every", "0",
            "--device", "cpu").Code);
        var checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoints", "latest.safetensors"));

        var r = Run("train", "--resume", run, "--iterations", "2");
        Assert.Equal(2, r.Code);
        OneLineFailure(r, $"--iterations 2: the run in '{run}' is already at iteration 2; give a larger N");
        Assert.Equal(checkpoint, File.ReadAllBytes(Path.Combine(run, "checkpoints", "latest.safetensors")));
        Assert.Equal(Numbers(1, 2), MetricsIterations(run));

        var zero = Run("train", "--model", "vanilla", "--iterations", "0", "--out", Path.Combine(Tmp(), "zero"));
        Assert.Equal(2, zero.Code);
        OneLineFailure(zero, "--iterations");
    }
}
