using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>The trainer on its own, without the command line: how it ends, and what it leaves on disk.</summary>
public class TrainerTests
{
    [Fact]
    public void An_interrupt_ends_training_after_the_current_iteration_with_a_checkpoint_and_the_metrics_on_disk()
    {
        var run = new RunFolder(TempDirs.New("scratch-interrupt").FullName);
        try
        {
            var config = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 16, Epochs = 1, SampleEvery = 0, CheckpointEvery = 0 };
            using var ctrlC = new CancellationTokenSource();
            ctrlC.Cancel();   // as if Ctrl-C came during the first iteration
            var log = new StringWriter();
            var end = new Trainer(new GanModel(config, Device.Cpu), ImageSet.Embedded(), run, new PlainProgress(log)) { Interrupt = ctrlC.Token }
                .Train(null);

            Assert.Equal(TrainingEnd.Interrupted, end);
            Assert.Contains("interrupted after iteration 1; resume with --resume", log.ToString());
            Assert.Equal(1, RunFolder.LoadCheckpoint(run.LatestCheckpoint, new GanModel(config, Device.Cpu)).Iteration);
            var metrics = File.ReadAllLines(run.MetricsPath);
            Assert.Equal([RunFolder.MetricsHeader, "1"], metrics.Select(l => l.Split(',')[0] == "iteration" ? l : l.Split(',')[0]));
            Assert.Empty(Directory.GetFiles(run.Dir, "*.tmp", SearchOption.AllDirectories));   // every write went through its temporary file
        }
        finally { Directory.Delete(run.Dir, true); }
    }

    [Fact]
    public void The_metrics_log_keeps_the_rows_up_to_the_checkpoint_and_finds_columns_by_name()
    {
        var path = Path.Combine(TempDirs.New("scratch-metrics").FullName, "metrics.csv");
        File.WriteAllText(path, "iteration,epoch,d_loss\n1,1,0.5\n2,1,0.25\n3,1,0.125\n");
        var log = new MetricsLog(path, ["iteration", "epoch", "d_loss", "is"], upTo: 2);
        log.Add("3,1,0.75,");
        log.Save();
        Assert.Equal(["iteration,epoch,d_loss,is", "1,1,0.5", "2,1,0.25", "3,1,0.75,"], File.ReadAllLines(path));
        Assert.Equal([0.5, 0.25, 0.75], log.Column("d_loss")!);
        Assert.All(log.Column("is")!, v => Assert.True(double.IsNaN(v)));
        Assert.Null(log.Column("wasserstein"));
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }
}
