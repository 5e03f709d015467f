using System.Globalization;
using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Gan.Training.Events;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Events;

/// <summary>What training writes into its event file, read back, and how a resume and an interrupt leave the files.</summary>
public class TrainingEventsTests
{
    /// <summary>The first 64 embedded digits: 32 iterations an epoch at batch 2, so two epochs pass a flush (50).</summary>
    static ImageSet Small()
    {
        var all = ImageSet.Embedded();
        int n = 64, px = all.Rows * all.Cols;
        return new ImageSet(n, 1, all.Rows, all.Cols, all.Pixels[..(n * px)], all.Labels[..n], "first 64 digits");
    }

    [Fact]
    public void A_slow_run_reaches_its_file_within_a_second_not_only_every_fifty_iterations()
    {
        var dir = TempDirs.New("scratch-events-slow").FullName;
        try
        {
            var model = new GanModel(Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 2 }, Device.Cpu);
            using var events = new TrainingEvents(dir, model, startIteration: 0);
            var file = Assert.Single(EventFileReader.FilesIn(dir));
            long[] DSteps() => [.. EventFileReader.ReadAll(file).Where(e => e.Tag == "loss/d").Select(e => e.Step)];
            events.Iteration(1, new StepLosses(0.5, 0.6, double.NaN, double.NaN), read: true);
            Assert.Empty(DSteps());   // a fast step waits in the buffer for the next flush
            Thread.Sleep(TrainingEvents.FlushAfter + TimeSpan.FromMilliseconds(100));
            events.Iteration(2, new StepLosses(0.4, 0.7, double.NaN, double.NaN), read: true);
            Assert.Equal([1L, 2L], DSteps());   // a second later both are in the file, far from iteration 50
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_run_writes_every_signal_each_epochs_pictures_and_histograms_and_its_config()
    {
        var run = new RunFolder(TempDirs.New("scratch-events-run").FullName);
        try
        {
            var config = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 2, Epochs = 2, SampleEvery = 0, CheckpointEvery = 0 };
            new Trainer(new GanModel(config, Device.Cpu), Small(), run, new PlainProgress(new StringWriter())).Train(null);

            var file = Assert.Single(EventFileReader.FilesIn(run.Dir));
            var entries = EventFileReader.ReadAll(file);
            long[] Steps(string tag) => [.. entries.Where(e => e.Tag == tag).Select(e => e.Step)];
            foreach (var tag in new[] { "loss/d", "loss/g", "d/real", "d/fake" })
                Assert.Equal(Enumerable.Range(1, 64).Select(i => (long)i), Steps(tag));
            // The gradients' norms every 10th iteration and at each epoch's end (32, 64).
            foreach (var tag in new[] { "grad_norm/d", "grad_norm/g" })
                Assert.Equal([10L, 20L, 30L, 32L, 40L, 50L, 60L, 64L], Steps(tag));
            Assert.Empty(Steps("wgan/wasserstein"));   // not a critic: NaN is not written
            Assert.Equal([50L], Steps("speed/it_per_s"));
            Assert.Equal([32L, 64L], Steps("time/epoch_s"));
            Assert.Equal([32L, 64L], Steps("memory/peak_mb"));
            Assert.Equal([32L, 64L], Steps("samples/fixed"));
            Assert.Equal(File.ReadAllBytes(run.Fixed(2)), entries.Last(e => e.Tag == "samples/fixed").Png);
            Assert.Equal([32L, 64L], Steps("weights/G.0.weight"));
            Assert.Equal([32L, 64L], Steps("grads/D.1.weight"));
            Assert.Contains("\"model\": \"vanilla\"", Assert.Single(entries, e => e.Tag == "config").Text);

            // metrics.csv has the same signals in its new columns.
            var rows = File.ReadAllLines(run.MetricsPath);
            var header = rows[0].Split(',');
            var last = rows[^1].Split(',');
            double Cell(string column) => double.Parse(last[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
            Assert.Equal(Cell("d_real"), entries.Last(e => e.Tag == "d/real").Scalar, 5);
            Assert.Equal(Cell("grad_norm_g"), entries.Last(e => e.Tag == "grad_norm/g").Scalar, 3);
            Assert.InRange(Cell("d_fake"), 0, 1);   // a probability: σ of the logits
        }
        finally { Directory.Delete(run.Dir, true); }
    }

    [Fact]
    public void An_interrupted_run_leaves_a_readable_file_and_its_resume_writes_a_second_one()
    {
        var run = new RunFolder(TempDirs.New("scratch-events-resume").FullName);
        try
        {
            var config = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 2, Epochs = 1, SampleEvery = 0, CheckpointEvery = 0 };
            using (var ctrlC = new CancellationTokenSource())
            {
                ctrlC.Cancel();   // Ctrl-C during the first iteration
                new Trainer(new GanModel(config, Device.Cpu), Small(), run, new PlainProgress(new StringWriter())) { Interrupt = ctrlC.Token }
                    .Train(null);
            }
            var first = Assert.Single(EventFileReader.FilesIn(run.Dir));
            Assert.Equal([1L], EventFileReader.ReadAll(first).Where(e => e.Tag == "loss/d").Select(e => e.Step));

            var model = new GanModel(config, Device.Cpu);
            new Trainer(model, Small(), run, new PlainProgress(new StringWriter())).Train(RunFolder.LoadCheckpoint(run.LatestCheckpoint, model));
            var files = EventFileReader.FilesIn(run.Dir);
            Assert.Equal(2, files.Length);
            Assert.Equal(first, files[0]);   // untouched: a resume never appends to an old file
            Assert.Equal(Enumerable.Range(2, 31).Select(i => (long)i),
                EventFileReader.ReadAll(files[1]).Where(e => e.Tag == "loss/d").Select(e => e.Step));
            Assert.Equal([32L], EventFileReader.ReadAll(files[1]).Where(e => e.Tag == "memory/peak_mb").Select(e => e.Step));
            Assert.DoesNotContain(EventFileReader.ReadAll(files[1]), e => e.Tag == "time/epoch_s");   // a part of an epoch is not an epoch's time
        }
        finally { Directory.Delete(run.Dir, true); }
    }

    [Fact]
    public void Infogan_writes_its_information_loss_and_a_categorical_traversal_of_ten_rows()
    {
        var run = new RunFolder(TempDirs.New("scratch-events-infogan").FullName);
        try
        {
            var config = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 16, Epochs = 1, SampleEvery = 0, CheckpointEvery = 0 };
            new Trainer(new GanModel(config, Device.Cpu), Small(), run, new PlainProgress(new StringWriter())).Train(null);
            var entries = EventFileReader.ReadAll(Assert.Single(EventFileReader.FilesIn(run.Dir)));
            Assert.Equal([1L, 2L, 3L, 4L], entries.Where(e => e.Tag == "info/loss").Select(e => e.Step));
            var traversal = Assert.Single(entries, e => e.Tag == "infogan/traversal");
            var path = Path.Combine(run.Dir, "traversal.png");
            File.WriteAllBytes(path, traversal.Png!);
            var (_, width, height) = Scratch.Gan.Images.ImageFile.ReadRgb(path);
            Assert.Equal((10 * 30 + 2, 10 * 30 + 2), (width, height));   // 10 × 10 digits of 28 pixels, 2-pixel borders
        }
        finally { Directory.Delete(run.Dir, true); }
    }
}
