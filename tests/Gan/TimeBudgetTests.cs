using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// --minutes: training ends when its time is spent, saved as at an epoch's end. The trainer's test drives
/// a fake clock (one second per reading), so where it stops does not depend on the machine's load; the
/// command-line tests use a budget shorter than any step, which every machine spends in the first one.
/// </summary>
[Collection("serial")]
public class TimeBudgetTests
{
    static string Tmp() => TempDirs.New("scratch-budget").FullName;

    /// <summary>Reads of the clock: the first (as training starts) says 0 s, each later one a second more.</summary>
    static Func<TimeSpan> FakeClock() { long s = 0; return () => TimeSpan.FromSeconds(s++); }

    static int MetricsRows(string runDir) => File.ReadAllLines(Path.Combine(runDir, "metrics.csv")).Length - 1;

    [Fact]
    public void A_spent_budget_ends_training_mid_epoch_with_pictures_curves_metrics_and_a_checkpoint_and_resume_gets_a_fresh_budget()
    {
        var run = new RunFolder(Tmp());
        try
        {
            var config = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 16, Epochs = 2, SampleEvery = 0, CheckpointEvery = 0 };
            var data = ImageSet.Embedded();
            var log = new StringWriter();
            // 3 s of budget: iterations 1 and 2 start at 1 s and 2 s, iteration 3 starts at 3 s and is the last.
            var end = new Trainer(new GanModel(config, Device.Cpu), data, run, new PlainProgress(log)) { BudgetMinutes = 3 / 60.0, Now = FakeClock() }
                .Train(null);

            Assert.Equal(TrainingEnd.OutOfTime, end);
            Assert.Contains("time budget of 0.05 min spent after iteration 3", log.ToString());
            Assert.Equal(3, MetricsRows(run.Dir));
            var saved = RunFolder.LoadCheckpoint(run.LatestCheckpoint, new GanModel(config, Device.Cpu));
            Assert.Equal((3L, 0, 3), (saved.Iteration, saved.Epoch, saved.BatchInEpoch));
            foreach (var f in new[] { run.Fixed(1), Path.Combine(run.Dir, "fixed", "progress.gif"), Path.Combine(run.Dir, "curves.png") })
                Assert.True(File.Exists(f), f);
            Assert.False(File.Exists(run.EpochTimesPath));   // no epoch was finished, so none is timed

            // The resumed call counts its own time: three more iterations.
            var model = new GanModel(config, Device.Cpu);
            var from = RunFolder.LoadCheckpoint(run.LatestCheckpoint, model);
            var again = new Trainer(model, data, run, new PlainProgress(new StringWriter())) { BudgetMinutes = 3 / 60.0, Now = FakeClock() }
                .Train(from);
            Assert.Equal(TrainingEnd.OutOfTime, again);
            Assert.Equal(Enumerable.Range(1, 6).Select(i => i.ToString()), File.ReadAllLines(run.MetricsPath).Skip(1).Select(l => l.Split(',')[0]));
        }
        finally { Directory.Delete(run.Dir, true); }
    }

    [Fact]
    public void Train_with_a_tiny_budget_stops_in_the_first_epoch_saves_the_run_and_exits_0()
    {
        var run = Path.Combine(Tmp(), "run");
        var r = Run("train", "--model", "vanilla", "--epochs", "3", "--batch-size", "50", "--minutes", "1e-9", "--out", run, "--sample-every", "0",
            "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("time budget spent: the run is saved; train further with --resume", r.Out);
        Assert.InRange(MetricsRows(run), 1, 199);   // 10,000 digits / 50 per batch = 200 iterations an epoch
        foreach (var f in new[] { "checkpoints/latest.safetensors", "fixed/epoch-001.png", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);

        var more = Run("train", "--resume", run, "--minutes", "1e-9");
        Assert.True(more.Code == 0, more.Err);
        Assert.InRange(MetricsRows(run), 2, 199);   // the resume trained on, within its own budget
    }

    [Fact]
    public void A_budget_that_is_not_a_positive_number_fails_with_one_line()
    {
        foreach (var verb in new[] { new[] { "train" }, ["sweep", "--grid", "lr=1e-4"] })
        {
            var out1 = Path.Combine(Tmp(), "run");
            foreach (var (value, expect) in new[] { ("0", "--minutes: must be positive"), ("-2", "--minutes: must be positive"),
                     ("soon", "--minutes: 'soon' is not a number") })
            {
                var r = Run([.. verb, "--minutes", value, "--out", out1]);
                Assert.Equal(2, r.Code);
                OneLineFailure(r, expect);
            }
            Assert.False(Directory.Exists(out1));
        }
    }

    [Fact]
    public void Sweep_passes_the_budget_to_every_point_and_to_the_slurm_script()
    {
        var dir = Path.Combine(Tmp(), "sweep");
        var r = Run("sweep", "--model", "vanilla", "--grid", "batch-size=50,100", "--epochs", "3", "--minutes", "1e-9", "--out", dir,
            "--n", "40", "--data", TinyData(), "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(2, r.Out.Split('\n').Count(l => l.Contains("time budget spent")));
        // 300 images: 6 and 3 iterations an epoch; each point stopped within its first epoch, not after 3 epochs.
        Assert.InRange(MetricsRows(Path.Combine(dir, "batch-size=50")), 1, 5);
        Assert.InRange(MetricsRows(Path.Combine(dir, "batch-size=100")), 1, 2);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "sweep.csv")).Length);   // both points evaluated and tabulated

        var slurm = Run("sweep", "--model", "dcgan", "--grid", "lr=1e-4", "--epochs", "3", "--minutes", "2.5", "--emit", "slurm", "--out",
            Path.Combine(dir, "s"));
        Assert.True(slurm.Code == 0, slurm.Err);
        var script = File.ReadAllText(Path.Combine(dir, "s", "sweep.slurm"));
        Assert.Contains("train --resume \"$dir\" --epochs 3 --minutes 2.5", script);
        Assert.Contains("--epochs 3 --minutes 2.5 --out", script);
    }

    static string TinyData()
    {
        var dir = Tmp();
        var m = ImageSet.Embedded();
        const int n = 300;
        Idx.WriteImages(Path.Combine(dir, "train-images-idx3-ubyte"), n, 28, 28, m.Pixels[..(n * 784)]);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, n >> 8, n & 255, .. m.Labels[..n]]);
        return dir;
    }
}
