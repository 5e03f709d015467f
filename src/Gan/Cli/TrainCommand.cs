using Scratch.Layers;
using System.CommandLine;
using System.Globalization;
using Scratch.Gan.Data;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>`scratch train`: builds the config from the model's defaults and the options, then runs the trainer.</summary>
public static class TrainCommand
{
    // The options. Most defaults come from the model (Zoo.Defaults), so help lists them per model.
    static readonly Option<string> Model = Opt.Choice("--model", "the GAN to train; its paper's or course's settings are the defaults below", "dcgan", Zoo.ModelNames);
    static readonly Option<string?> Loss = Opt.OptionalChoice("--loss", "the loss" + PerModel(c => c.Loss), Zoo.LossNames);
    static readonly Option<int?> Epochs = Opt.OptionalInt("--epochs", "passes over the data" + PerModel(c => c.Epochs));
    static readonly Option<int?> BatchSize = Opt.OptionalInt("--batch-size", "images per step" + PerModel(c => c.BatchSize));
    static readonly Option<double?> Lr = Opt.OptionalDouble("--lr", "learning rate of both networks (sets --lr-d and --lr-g)");
    static readonly Option<double?> LrD = Opt.OptionalDouble("--lr-d", "D's (critic's) learning rate" + PerModel(c => c.LrD));
    static readonly Option<double?> LrG = Opt.OptionalDouble("--lr-g", "G's learning rate" + PerModel(c => c.LrG));
    static readonly Option<double?> Beta1 = Opt.OptionalDouble("--beta1", "Adam's first-moment decay, below 1" + PerModel(c => c.Beta1), 0, allowZero: true);
    static readonly Option<double?> Beta2 = Opt.OptionalDouble("--beta2", "Adam's second-moment decay, below 1" + PerModel(c => c.Beta2), 0, allowZero: true);
    static readonly Option<int?> NCritic = Opt.OptionalInt("--n-critic", "D steps per G step" + PerModel(c => c.NCritic));
    static readonly Option<double?> Clip = Opt.OptionalDouble("--clip", "WGAN weight clipping bound" + PerModel(c => c.Clip));
    static readonly Option<string?> CriticScheduleOpt = Opt.OptionalChoice("--critic-schedule", "critic steps per G step over time: always --n-critic, or the WGAN reference code's warm-up (100 for the first 25 G steps and every 500th)" +
        PerModel(c => c.EffectiveCriticSchedule), Setting.Names<CriticSchedule>());
    static readonly Option<string?> InfoTrains = Opt.OptionalChoice("--info-trains", "infogan: which losses carry the information term: both D's and G's (openai/InfoGAN), or G's only, whose optimizer then also trains Q's head [default: both]",
        Setting.Names<InfoTraining>());
    static readonly Option<double?> InfoLambdaCat = Opt.OptionalDouble("--info-lambda-cat", "infogan: weight of the categorical code's information term (λ in the paper)" +
        $" [default: {Zoo.Defaults(ModelKind.InfoGan).InfoLambdaCat.ToString(CultureInfo.InvariantCulture)}]", 0, allowZero: true);
    static readonly Option<double?> InfoLambdaCon = Opt.OptionalDouble("--info-lambda-con", "infogan: weight of the continuous codes' information term; the paper advises below 1, openai/InfoGAN uses 1" +
        $" [default: {Zoo.Defaults(ModelKind.InfoGan).InfoLambdaCon.ToString(CultureInfo.InvariantCulture)}]", 0, allowZero: true);
    static readonly Option<int?> Width = Opt.OptionalInt("--width", "wgan-gp at 28×28: base channel count of its networks (DIM in gan_mnist.py, which uses 64; a step costs about DIM²)" +
        $" [default: {Zoo.Defaults(ModelKind.WganGp).EffectiveWidth}]");
    static readonly Option<double?> GpLambda = Opt.OptionalDouble("--gp-lambda", "WGAN-GP gradient penalty weight" + PerModel(c => c.GpLambda), 0, allowZero: true);
    static readonly Option<int?> NoiseDim = Opt.OptionalInt("--noise-dim", "length of G's noise vector" + PerModel(c => c.NoiseDim));
    static readonly Option<string?> Noise = Opt.OptionalChoice("--noise", "noise distribution: U(-1, 1) or N(0, 1)" + PerModel(c => c.Noise), Setting.Names<NoiseKind>());
    static readonly Option<int?> ImageSize = Opt.OptionalInt("--image-size", "image side in pixels; 64 for the NTU HW6 wgan / wgan-gp" + PerModel(c => c.ImageSize));
    static readonly Option<string?> Optimizer = Opt.OptionalChoice("--optimizer", "the optimizer" + PerModel(c => c.Optimizer), Setting.Names<OptimizerKind>());
    static readonly Option<int?> Channels = Opt.OptionalInt("--channels", "1 grey or 3 RGB (3 only for the 64×64 models) [default: from the data]");
    static readonly Option<string?> Data = Opt.Text("--data", "a folder of IDX files (t10k files, if any, are held out for eval) or of .png/.jpg pictures [default: the embedded 10,000 MNIST digits]", "DIR");
    static readonly Option<string?> Device = Opt.Device();
    static readonly Option<int> Seed = Opt.Int("--seed", "seed of every random stream of the run", 0, min: 0);
    static readonly Option<string?> Out = Opt.Text("--out", "the run folder (created) [default: runs/MODEL-DATE-TIME]", "DIR");
    static readonly Option<int?> SampleEvery = Opt.OptionalInt("--sample-every", "save a sample grid every N iterations, 0 never" + PerModel(c => c.SampleEvery), min: 0);
    static readonly Option<int?> CheckpointEvery = Opt.OptionalInt("--checkpoint-every", "keep a checkpoint every N iterations, 0 never (latest is kept each epoch)" + PerModel(c => c.CheckpointEvery), min: 0);
    static readonly Option<string?> Resume = Opt.Text("--resume", "continue the run in this folder (--epochs, --minutes and --device may change, nothing else)", "RUN_DIR");
    static readonly Option<double?> Minutes = Opt.OptionalDouble("--minutes", "stop after N minutes of training (fractions allowed), saving as at an epoch's end; with --epochs, whichever comes first; " +
        "counts this invocation only, so --resume trains up to N more minutes (evaluations not counted) [default: no limit]");
    static readonly Option<int> EvalEvery = Opt.Int("--eval-every", "measure the samples every N epochs, 0 never (docs/evaluation.md)", 0, min: 0);
    static readonly Option<int?> EvalN = Opt.OptionalInt("--eval-n", "samples per evaluation during training" + PerModel(c => c.EvalN), min: 10);
    // For tests: stop (with a checkpoint) after this iteration; fewer real reference images for --eval-every.
    static readonly Option<int> StopAfter = Opt.Hidden(Opt.Int("--stop-after", "stop after this iteration", int.MaxValue));
    static readonly Option<int> EvalReal = Opt.Hidden(Opt.Int("--eval-real", "real reference images for --eval-every", int.MaxValue, min: 10));

    /// <summary>What a resumed run takes from its config.json, so may not be given again.</summary>
    static readonly Option[] FixedByTheRun = [Model, Loss, BatchSize, Lr, LrD, LrG, Beta1, Beta2, NCritic, CriticScheduleOpt, InfoTrains, InfoLambdaCat, InfoLambdaCon, Width, Clip, GpLambda, NoiseDim, ImageSize,
        Channels, Data, Seed, Out, Optimizer, Noise, EvalEvery, EvalN, SampleEvery, CheckpointEvery];

    public static Command Define()
    {
        var command = new Command("train", "train a GAN into a run folder (config.json, metrics.csv, curves.png, samples, checkpoints)")
        {
            Model, Loss, Epochs, BatchSize, Lr, LrD, LrG, Beta1, Beta2, NCritic, CriticScheduleOpt, InfoTrains, InfoLambdaCat, InfoLambdaCon, Width, Clip, GpLambda, NoiseDim, Noise, ImageSize, Optimizer,
            Channels, Data, Device, Seed, Out, SampleEvery, CheckpointEvery, Resume, Minutes, EvalEvery, EvalN, StopAfter, EvalReal,
        };
        Channels.HelpName = "1|3";
        Minutes.HelpName = "N";
        Channels.CompletionSources.Add("1", "3");
        command.SetAction(Run);
        return command;
    }

    /// <summary>" [default: 128; 64 for dcgan64, wgan-gp]": the value most models use, then the others.</summary>
    static string PerModel(Func<GanConfig, object> value)
    {
        string Show(object v) => v switch
        {
            double d => d.ToString("0.#######", CultureInfo.InvariantCulture),
            Enum setting => Setting.NameOf(setting),
            _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
        };
        var groups = Enum.GetValues<ModelKind>().GroupBy(m => Show(value(Zoo.Defaults(m))), Setting.Name).OrderByDescending(g => g.Count()).ToList();
        return $" [default: {groups[0].Key}" + string.Concat(groups.Skip(1).Select(g => $"; {g.Key} for {string.Join(", ", g)}")) + "]";
    }

    public static int Run(ParseResult p)
    {
        var resume = p.GetValue(Resume);
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
            c = c with { Epochs = p.GetValue(Epochs) ?? c.Epochs, Device = p.GetValue(Device) ?? c.Device };
            foreach (var o in FixedByTheRun)
                if (Opt.Given(p, o)) throw new UsageException($"{o.Name} cannot be changed when resuming: the run continues with the settings in its config.json");
        }
        else
        {
            // The settings' names become enums here, once; nothing further in compares names.
            var model = Setting.Parse<ModelKind>(p.GetValue(Model)!);
            var d = Zoo.Defaults(model, p.GetValue(ImageSize) ?? Zoo.Defaults(model).ImageSize);
            double? lr = p.GetValue(Lr);
            c = d with
            {
                Loss = p.GetValue(Loss) is { } loss ? Setting.Parse<LossKind>(loss) : d.Loss,
                Epochs = p.GetValue(Epochs) ?? d.Epochs,
                BatchSize = p.GetValue(BatchSize) ?? d.BatchSize,
                LrD = p.GetValue(LrD) ?? lr ?? d.LrD,
                LrG = p.GetValue(LrG) ?? lr ?? d.LrG,
                Beta1 = p.GetValue(Beta1) ?? d.Beta1,
                Beta2 = p.GetValue(Beta2) ?? d.Beta2,
                NCritic = p.GetValue(NCritic) ?? d.NCritic,
                CriticSchedule = p.GetValue(CriticScheduleOpt) is { } schedule ? Setting.Parse<CriticSchedule>(schedule) : d.CriticSchedule,
                InfoTrains = p.GetValue(InfoTrains) is { } trains ? Setting.Parse<InfoTraining>(trains) : d.InfoTrains,
                InfoLambdaCat = p.GetValue(InfoLambdaCat) ?? d.InfoLambdaCat,
                InfoLambdaCon = p.GetValue(InfoLambdaCon) ?? d.InfoLambdaCon,
                Width = p.GetValue(Width) ?? d.Width,
                Clip = p.GetValue(Clip) ?? d.Clip,
                GpLambda = p.GetValue(GpLambda) ?? d.GpLambda,
                NoiseDim = p.GetValue(NoiseDim) ?? d.NoiseDim,
                Noise = p.GetValue(Noise) is { } noise ? Setting.Parse<NoiseKind>(noise) : d.Noise,
                ImageSize = p.GetValue(ImageSize) ?? d.ImageSize,
                Optimizer = p.GetValue(Optimizer) is { } optimizer ? Setting.Parse<OptimizerKind>(optimizer) : d.Optimizer,
                Channels = p.GetValue(Channels) ?? 0,   // 0 until the data says (below)
                // A full path, so --resume finds the data from any working folder.
                Data = p.GetValue(Data) is { } dataDir ? Path.GetFullPath(dataDir) : "embedded",
                Device = p.GetValue(Device) ?? Environment.GetEnvironmentVariable("SCRATCH_DEVICE") ?? "auto",
                Seed = (ulong)p.GetValue(Seed),
                SampleEvery = p.GetValue(SampleEvery) ?? d.SampleEvery,
                CheckpointEvery = p.GetValue(CheckpointEvery) ?? d.CheckpointEvery,
                EvalEvery = p.GetValue(EvalEvery),
                EvalN = p.GetValue(EvalN) ?? d.EvalN,
            };
            if (c.Beta1 >= 1 || c.Beta2 >= 1) throw new UsageException("--beta1 and --beta2 must be below 1");
            foreach (var o in new Option[] { InfoTrains, InfoLambdaCat, InfoLambdaCon })
                if (Opt.Given(p, o) && model != ModelKind.InfoGan) throw new UsageException($"{o.Name} is for --model infogan only (its Q head); model {Setting.Name(model)} has no information term");
            // Grey-only networks take grey data whatever it holds; the 64×64 ones follow the data unless told.
            if (c.Channels == 0 && Zoo.Architecture(c) != ArchitectureKind.Dcgan64) c = c with { Channels = 1 };
            // Checked now, before any picture is decoded, and again once the data has set the channels.
            try { Zoo.Validate(c with { Channels = c.Channels == 0 ? 1 : c.Channels }); } catch (ArgumentException e) { throw new UsageException(e.Message); }
            run = new RunFolder(p.GetValue(Out) ?? Path.Combine("runs", $"{Setting.Name(c.Model)}-{DateTime.Now:yyyyMMdd-HHmmss}"));
            if (File.Exists(run.Dir)) throw new UsageException($"--out: '{run.Dir}' is a file; give a folder for the run (it is created if missing)");
            if (File.Exists(run.ConfigPath)) throw new UsageException($"--out: '{run.Dir}' already holds a run; pick another folder or continue it with --resume {run.Dir}");
        }

        long stopAfter = p.GetValue(StopAfter);
        int evalReal = p.GetValue(EvalReal);

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
        Console.WriteLine($"scratch train: {Setting.Name(c.Model)} ({Setting.Name(c.Loss)}) on {data.Source}, {data.Count} images, device {device} — run folder {run.Dir}");
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
                StopAfter = stopAfter, Evaluate = evaluate, Interrupt = interrupt.Token, BudgetMinutes = p.GetValue(Minutes) ?? double.PositiveInfinity,
            }.Train(from);
        if (end == TrainingEnd.Interrupted)
        {
            Console.WriteLine($"interrupted: the run is saved; continue it with --resume {run.Dir}");
            return InterruptedExitCode;
        }
        if (end == TrainingEnd.OutOfTime) Console.WriteLine($"time budget spent: the run is saved; train further with --resume {run.Dir}");
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
