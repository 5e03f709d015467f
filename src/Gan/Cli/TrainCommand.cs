using Scratch.Layers;
using System.CommandLine;
using Scratch.Gan.Data;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>`scratch train`: builds the config from the model's defaults and the options, then runs the trainer.</summary>
public static class TrainCommand
{
    /// <summary>The run's settings, each made from its declaration in TrainOptions (help, default per model, parser).</summary>
    static readonly (TrainOption Setting, Option<string?> Option)[] Settings =
        TrainOptions.All.Where(s => s.OnCommandLine).Select(s => (s, Opt.For(s))).ToArray();

    // What this invocation does with the run; config.json does not keep these.
    static readonly Option<string?> Out = Opt.Text("--out", "the run folder (created) [default: runs/MODEL-DATE-TIME]", "DIR");
    static readonly Option<string?> Resume = Opt.Text("--resume", "continue the run in this folder (" +
        string.Join(", ", TrainOptions.All.Where(s => s.ChangesOnResume).Select(s => "--" + s.Name)) +
        ", --minutes and --iterations may change, nothing else)", "RUN_DIR");
    static readonly Option<double?> Minutes = Opt.OptionalDouble("--minutes",
        "stop after N minutes of training (fractions allowed), saving as at an epoch's end; with --epochs, whichever comes first; " +
        "counts this invocation only, so --resume trains up to N more minutes (evaluations not counted) [default: no limit]");
    static readonly Option<int?> Iterations = Opt.OptionalInt("--iterations",
        "stop after iteration N of the run, saving as at an epoch's end; counts from the run's start, " +
        "so --resume trains up to iteration N; without --epochs, as many epochs as reach N; " +
        "with --minutes, whichever comes first [default: no limit]");
    static readonly Option<bool> Watch = Opt.Flag("--watch",
        "serve `scratch watch`'s live page of the runs beside this one (127.0.0.1 only) while it trains");
    static readonly Option<int> WatchPort = Opt.Int("--watch-port", "the port of --watch's page (0: any free port)",
        WatchCommand.DefaultPort, min: 0);
    // For tests: stop (with a checkpoint) after this iteration; fewer real reference images for --eval-every.
    static readonly Option<int> StopAfter = Opt.Hidden(Opt.Int("--stop-after", "stop after this iteration", int.MaxValue));
    static readonly Option<int> EvalReal = Opt.Hidden(Opt.Int("--eval-real", "real reference images for --eval-every", int.MaxValue, min: 10));

    public static Command Define()
    {
        var command = new Command("train", "train a GAN into a run folder (config.json, metrics.csv, curves.png, samples, checkpoints)");
        foreach (var (_, option) in Settings) command.Options.Add(option);
        foreach (var option in new Option[] { Out, Resume, Minutes, Iterations, Watch, WatchPort, StopAfter, EvalReal }) command.Options.Add(option);
        Minutes.HelpName = "N";
        Iterations.HelpName = "N";
        command.SetAction(Run);
        return command;
    }

    /// <summary>The settings typed on this command line, as text their parsers accepted.</summary>
    static Dictionary<TrainOption, string> Given(ParseResult p) =>
        Settings.Where(s => Opt.Given(p, s.Option)).ToDictionary(s => s.Setting, s => p.GetValue(s.Option)!);

    public static int Run(ParseResult p)
    {
        var resume = p.GetValue(Resume);
        var given = Given(p);
        GanConfig c;
        RunFolder run;
        RunFolder.Progress? from = null;
        if (resume != null)
        {
            if (File.Exists(resume))
                throw new UsageException($"--resume: '{resume}' is a file; pass the run folder that holds config.json and checkpoints/");
            run = new RunFolder(resume);
            if (!File.Exists(run.ConfigPath)) throw new UsageException($"--resume: '{resume}' has no config.json: not a run folder");
            if (!File.Exists(run.LatestCheckpoint))
                throw new UsageException($"--resume: '{resume}' has no checkpoints/latest.safetensors to resume from");
            var fixedByRun = given.Keys.Where(s => !s.ChangesOnResume).Select(s => "--" + s.Name).Concat(Opt.Given(p, Out) ? [Out.Name] : []);
            if (fixedByRun.FirstOrDefault() is { } name)
                throw new UsageException($"{name} cannot be changed when resuming: the run continues with the settings in its config.json");
            c = GanConfig.FromJson(File.ReadAllText(run.ConfigPath), run.ConfigPath);   // upgraded if older, and validated
            foreach (var (setting, text) in given) c = setting.Apply(c, text);
        }
        else
        {
            try { c = TrainOptions.FromGiven(given); } catch (ArgumentException e) { throw new UsageException(e.Message); }
            if (!given.ContainsKey(TrainOptions.Device) && Environment.GetEnvironmentVariable("SCRATCH_DEVICE") is { } fromEnvironment)
                c = c with { Device = fromEnvironment };
            // Checked once, before any picture is decoded. Channels not given are 1 here: the data may make them 3 below,
            // for the 64×64 networks only, which take either.
            try { Zoo.Validate(c); } catch (ArgumentException e) { throw new UsageException(e.Message); }
            run = new RunFolder(p.GetValue(Out) ?? Path.Combine("runs", $"{Setting.Name(c.Model)}-{DateTime.Now:yyyyMMdd-HHmmss}"));
            if (File.Exists(run.Dir)) throw new UsageException($"--out: '{run.Dir}' is a file; give a folder for the run (it is created if missing)");
            if (File.Exists(run.ConfigPath))
                throw new UsageException($"--out: '{run.Dir}' already holds a run; pick another folder or continue it with --resume {run.Dir}");
        }
        // 0 asks the data: the 64×64 networks follow it (3 if any picture has colour) unless told; the others are grey.
        int channels = resume == null && !given.ContainsKey(TrainOptions.Channels) && c.Architecture == ArchitectureKind.Dcgan64 ? 0 : c.Channels;

        long stopAfter = p.GetValue(StopAfter);
        int evalReal = p.GetValue(EvalReal);

        var device = Program.DeviceOption(c.Device);
        var data = DataSets.Open(c.Data, c.ImageSize, channels, Path.Combine(run.Dir, "cache"), Console.Out);
        c = c with { Channels = data.Channels };
        // Checked before the run folder is made, so a refused run leaves nothing behind.
        if (c.BatchSize > data.Count) throw new UsageException($"--batch-size {c.BatchSize} is larger than the data set ({data.Count} images)");
        // --iterations alone sets the epochs, as many as reach it: the count ends the run, not the default 5 epochs.
        if (p.GetValue(Iterations) is int n && !given.ContainsKey(TrainOptions.Epochs))
            c = c with { Epochs = (int)Math.Ceiling(n / (double)(data.Count / c.BatchSize)) };
        var gan = new GanModel(c, device);
        // Started before the run folder is made, so a port in use refuses the run and leaves nothing behind.
        using var page = p.GetValue(Watch) ? WatchCommand.ServeWhileTraining(run.Dir, p.GetValue(WatchPort)) : null;
        if (resume != null) from = RunFolder.LoadCheckpoint(run.LatestCheckpoint, gan);
        else
        {
            try { Directory.CreateDirectory(run.Dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new IOException($"--out: cannot create the run folder '{run.Dir}': {e.Message}"); }
            AtomicFile.WriteText(run.ConfigPath, c.ToJson(), "config.json");
        }
        long maxIterations = p.GetValue(Iterations) ?? long.MaxValue;
        if (from != null && from.Iteration >= maxIterations)
            throw new UsageException(
                $"--iterations {maxIterations}: the run in '{run.Dir}' is already at iteration {from.Iteration}; give a larger N");
        Console.WriteLine($"scratch train: {Setting.Name(c.Model)} ({Setting.Name(c.Loss)}) on {data.Source}, {data.Count} images, " +
            $"device {device} — run folder {run.Dir}");
        Console.WriteLine($"G: {gan.G.ParameterCount:N0} parameters, D: {gan.D.ParameterCount:N0} parameters");
        Func<GanModel, EvalScores>? evaluate = null;
        if (c.EvalEvery > 0)
        {
            // The embedded MNIST classifier judges the samples; 20 KID subsets keep an evaluation to seconds.
            var ev = EvalCommand.MakeEvaluator(null, c.Data == "embedded" ? null : c.Data, c.EvalN, seed: 1, evalReal, kidSubsets: 20);
            Console.WriteLine("eval every " + c.EvalEvery + " epoch(s): " + ev.Protocol.Describe());
            evaluate = g => ev.Generated(g).ForTraining();
        }
        TrainingEnd end;
        using (var interrupt = new CtrlC())
        using (ITrainingObserver progress = Terminal.Interactive ? new TerminalProgress() : new PlainProgress(Console.Out))
            end = new Trainer(gan, data, run, progress)
            {
                StopAfter = stopAfter, Evaluate = evaluate, Interrupt = interrupt.Token,
                BudgetMinutes = p.GetValue(Minutes) ?? double.PositiveInfinity,
                MaxIterations = maxIterations,
            }.Train(from);
        if (end == TrainingEnd.Interrupted)
        {
            Console.WriteLine($"interrupted: the run is saved; continue it with --resume {run.Dir}");
            return InterruptedExitCode;
        }
        if (end == TrainingEnd.OutOfTime) Console.WriteLine($"time budget spent: the run is saved; train further with --resume {run.Dir}");
        if (end == TrainingEnd.IterationsDone)
            Console.WriteLine(
                $"iteration {maxIterations} reached: the run is saved; train further with --resume {run.Dir} --iterations M (M > {maxIterations})");
        Console.WriteLine($"done: samples in {Path.Combine(run.Dir, "fixed")}, curves in {Path.Combine(run.Dir, "curves.png")}");
        return 0;
    }

    /// <summary>128 + SIGINT, as a shell reports a program stopped by Ctrl-C: scripts see the run did not finish.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>
    /// While training, the first Ctrl-C asks the trainer to stop after the current iteration and save a
    /// checkpoint (the process is not killed); a second one ends the process at once, as usual.
    /// </summary>
    sealed class CtrlC : IDisposable
    {
        readonly CancellationTokenSource _source = new();
        public CancellationToken Token => _source.Token;
        public CtrlC() => Console.CancelKeyPress += OnCancel;

        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            if (_source.IsCancellationRequested) return;   // the second Ctrl-C: let it end the process
            e.Cancel = true;
            _source.Cancel();
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancel;
            _source.Dispose();
        }
    }
}
