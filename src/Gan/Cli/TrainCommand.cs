using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>`scratch train`: builds the config from the model's defaults and the options, then runs the trainer.</summary>
public static class TrainCommand
{
    public static int Run(Args a)
    {
        var resume = a.Str("resume");
        GanConfig c;
        RunFolder run;
        RunFolder.Progress? from = null;
        if (resume != null)
        {
            if (File.Exists(resume)) throw new UsageException($"--resume: '{resume}' is a file; pass the run folder that holds config.json and checkpoints/");
            run = new RunFolder(resume);
            if (!File.Exists(run.ConfigPath)) throw new UsageException($"--resume: '{resume}' has no config.json: not a run folder");
            if (!File.Exists(run.LatestCheckpoint)) throw new UsageException($"--resume: '{resume}' has no checkpoints/latest.safetensors to resume from");
            c = GanConfig.FromJson(File.ReadAllText(run.ConfigPath), run.ConfigPath);
            try { Zoo.Validate(c); } catch (ArgumentException e) { throw new InvalidDataException($"{run.ConfigPath}: {e.Message}"); }
            c = c with { Epochs = a.Int("epochs", c.Epochs), Device = a.Str("device", c.Device) };
            foreach (var o in new[] { "model", "loss", "batch-size", "lr", "lr-d", "lr-g", "beta1", "beta2", "n-critic", "clip", "gp-lambda", "noise-dim", "image-size", "channels", "data", "seed", "out", "optimizer", "noise", "eval-every", "eval-n" })
                if (a.Str(o) != null) throw new UsageException($"--{o} cannot be changed when resuming: the run continues with the settings in its config.json");
        }
        else
        {
            var model = a.Choice("model", "dcgan", Zoo.ModelNames);
            var d = Zoo.Defaults(model, a.Int("image-size", Zoo.Defaults(model).ImageSize));
            double lr = a.Double("lr", double.NaN);
            c = d with
            {
                Loss = a.Choice("loss", d.Loss, Zoo.LossNames),
                Epochs = a.Int("epochs", d.Epochs),
                BatchSize = a.Int("batch-size", d.BatchSize),
                LrD = a.Double("lr-d", double.IsNaN(lr) ? d.LrD : lr),
                LrG = a.Double("lr-g", double.IsNaN(lr) ? d.LrG : lr),
                Beta1 = a.Double("beta1", d.Beta1, 0, allowZero: true),
                Beta2 = a.Double("beta2", d.Beta2, 0, allowZero: true),
                NCritic = a.Int("n-critic", d.NCritic),
                Clip = a.Double("clip", d.Clip),
                GpLambda = a.Double("gp-lambda", d.GpLambda, 0, allowZero: true),
                NoiseDim = a.Int("noise-dim", d.NoiseDim),
                Noise = a.Choice("noise", d.Noise, "uniform", "normal"),
                ImageSize = a.Int("image-size", d.ImageSize),
                Optimizer = a.Choice("optimizer", d.Optimizer, "adam", "rmsprop"),
                Channels = a.Int("channels", 0),   // 0 until the data says (below)
                // A full path, so --resume finds the data from any working folder.
                Data = a.Str("data") is { } dataDir ? Path.GetFullPath(dataDir) : "embedded",
                Device = a.Str("device", Environment.GetEnvironmentVariable("SCRATCH_DEVICE") ?? "auto"),
                Seed = (ulong)a.Int("seed", 0, min: 0),
                SampleEvery = a.Int("sample-every", d.SampleEvery, min: 0),
                CheckpointEvery = a.Int("checkpoint-every", d.CheckpointEvery, min: 0),
                EvalEvery = a.Int("eval-every", 0, min: 0),
                EvalN = a.Int("eval-n", d.EvalN, min: 10),
            };
            if (c.Beta1 >= 1 || c.Beta2 >= 1) throw new UsageException("--beta1 and --beta2 must be below 1");
            // Grey-only networks take grey data whatever it holds; the 64×64 ones follow the data unless told.
            if (c.Channels == 0 && Zoo.Architecture(c) != "dcgan64") c = c with { Channels = 1 };
            // Checked now, before any picture is decoded, and again once the data has set the channels.
            try { Zoo.Validate(c with { Channels = c.Channels == 0 ? 1 : c.Channels }); } catch (ArgumentException e) { throw new UsageException(e.Message); }
            run = new RunFolder(a.Str("out") ?? Path.Combine("runs", $"{c.Model}-{DateTime.Now:yyyyMMdd-HHmmss}"));
            if (File.Exists(run.Dir)) throw new UsageException($"--out: '{run.Dir}' is a file; give a folder for the run (it is created if missing)");
            if (File.Exists(run.ConfigPath)) throw new UsageException($"--out: '{run.Dir}' already holds a run; pick another folder or continue it with --resume {run.Dir}");
        }
        long stopAfter = a.Int("stop-after", int.MaxValue);
        int evalReal = a.Int("eval-real", int.MaxValue, min: 10);   // tests: fewer real reference images for --eval-every
        a.Done(1);

        var device = Program.DeviceOption(c.Device);
        var data = DataSets.Open(c.Data, c.ImageSize, c.Channels, Path.Combine(run.Dir, "cache"), Console.Out);
        c = c with { Channels = data.Channels };
        try { Zoo.Validate(c); } catch (ArgumentException e) { throw new UsageException(e.Message); }
        // Checked before the run folder is made, so a refused run leaves nothing behind.
        if (c.BatchSize > data.Count) throw new UsageException($"--batch-size {c.BatchSize} is larger than the data set ({data.Count} images)");
        var gan = new GanModel(c, device);
        if (resume != null) from = RunFolder.LoadCheckpoint(run.LatestCheckpoint, gan);
        else
        {
            try { Directory.CreateDirectory(run.Dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new IOException($"--out: cannot create the run folder '{run.Dir}': {e.Message}"); }
            AtomicFile.WriteText(run.ConfigPath, c.ToJson(), "config.json");
        }
        Console.WriteLine($"scratch train: {c.Model} ({c.Loss}) on {data.Source}, {data.Count} images, device {device} — run folder {run.Dir}");
        Console.WriteLine($"G: {gan.G.ParameterCount:N0} parameters, D: {gan.D.ParameterCount:N0} parameters");
        Func<GanModel, Evaluation.SetMetrics>? evaluate = null;
        if (c.EvalEvery > 0)
        {
            // The embedded MNIST classifier judges the samples; 20 KID subsets keep an evaluation to seconds.
            var ev = Evaluation.EvalCommand.MakeEvaluator(null, c.Data == "embedded" ? null : c.Data, c.EvalN, seed: 1, evalReal, kidSubsets: 20);
            Console.WriteLine("eval every " + c.EvalEvery + " epoch(s): " + ev.Protocol.Describe());
            evaluate = ev.Generated;
        }
        new Trainer(gan, data, run, Console.Out) { StopAfter = stopAfter, Evaluate = evaluate }.Train(from);
        Console.WriteLine($"done: samples in {Path.Combine(run.Dir, "fixed")}, curves in {Path.Combine(run.Dir, "curves.png")}");
        return 0;
    }
}
