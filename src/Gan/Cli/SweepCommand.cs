using Scratch.Layers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Scratch.Gan.Sweeps;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch sweep`: one run folder per grid point under --out, each trained with `train` and then
/// evaluated into its eval.json; then the table and contact sheet. A point with eval.json is done and
/// skipped, a point with a checkpoint is resumed, so an interrupted sweep continues where it stopped.
/// </summary>
public static class SweepCommand
{
    static readonly Option<string?> Aggregate = Opt.Text("--aggregate",
        "only tabulate the finished points in DIR (after a Slurm array); takes no other option", "DIR");
    static readonly Option<string> Model = Opt.Choice("--model", "the GAN every point trains", "dcgan", Models.Zoo.ModelNames);
    static readonly Option<string?> Grid = Opt.Text("--grid",
        "(required) space-separated train options with comma-separated values, e.g. \"lr=1e-4,2e-4 batch-size=64,128\"; sweepable: " +
        string.Join(" ", SweepGrid.Options), "\"OPT=V1,V2 OPT=V1,V2\"");
    static readonly Option<int> Epochs = Opt.Int("--epochs", "epochs each point trains", 5);
    static readonly Option<double?> Minutes = Opt.OptionalDouble("--minutes",
        "minutes of training each point gets at most (train's --minutes; with --epochs, whichever comes first) [default: no limit]");
    static readonly Option<int> Jobs = Opt.Int("--jobs", "points trained at once (child processes)", 1);
    static readonly Option<int> N = Opt.Int("--n", "samples each point's eval measures", 10000, min: 10);
    static readonly Option<string?> Emit = Opt.OptionalChoice("--emit", "write a Slurm array script instead of training here", "slurm");
    static readonly Option<int> CpusPerTask = Opt.Int("--cpus-per-task",
        "with --emit slurm: CPUs each array task asks for (more than a node has never starts)",
        SlurmScript.DefaultCpus);
    static readonly Option<string> Time = Opt.Text("--time",
        "with --emit slurm: each array task's time limit, in Slurm's form (MM, HH:MM:SS, D-HH:MM:SS)",
        "TIME", SlurmScript.DefaultTime);
    static readonly Option<string?> Out = Opt.Text("--out",
        "the sweep folder, one run folder per point [default: runs/sweep-MODEL-DATE-TIME]", "DIR");
    static readonly Option<string?> Data = Opt.Text("--data", "passed to every point's train", "DIR");
    static readonly Option<string?> Device = Opt.Device();
    static readonly Option<int> EvalReal = Opt.Hidden(
        Opt.Int("--eval-real", "real reference images", int.MaxValue, min: 10));   // tests: fewer, quicker

    public static Command Define()
    {
        var command = new Command("sweep", "train + eval each grid point; sweep.md, sweep.csv, contact-sheet.png")
        {
            Model, Grid, Epochs, Minutes, Jobs, N, Emit, CpusPerTask, Time, Out, Data, Device, Aggregate, EvalReal,
        };
        Minutes.HelpName = "N";
        command.SetAction(Run);
        return command;
    }

    public static int Run(ParseResult parse)
    {
        var aggregate = parse.GetValue(Aggregate);
        if (aggregate != null)
        {
            var other = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
                .FirstOrDefault(r => !r.Implicit && r.Option != Aggregate);
            if (other != null) throw new UsageException($"--aggregate takes no other option (got {other.Option.Name})");
            var found = SweepTable.Read(aggregate);
            SweepTable.Write(aggregate, found);
            Console.WriteLine($"aggregated {found.Count} points: {Path.Combine(aggregate, "sweep.md")}, sweep.csv, contact-sheet.png");
            return 0;
        }
        var model = parse.GetValue(Model)!;
        var points = SweepGrid.Parse(parse.GetValue(Grid)
            ?? throw new UsageException("--grid is required, e.g. --grid \"lr=1e-4,2e-4 batch-size=64,128\""));
        int epochs = parse.GetValue(Epochs);
        int jobs = parse.GetValue(Jobs);
        int n = parse.GetValue(N);
        var emit = parse.GetValue(Emit);
        var outDir = Path.GetFullPath(parse.GetValue(Out) ?? Path.Combine("runs", $"sweep-{model}-{DateTime.Now:yyyyMMdd-HHmmss}"));
        var extra = new List<string>();
        if (parse.GetValue(Data) is { } data) extra.AddRange(["--data", data]);
        if (parse.GetValue(Device) is { } device) extra.AddRange(["--device", device]);
        // Passed on a resume too: a point stopped by Ctrl-C or a crash gets up to this many minutes more.
        string[] budget = parse.GetValue(Minutes) is { } minutes ? ["--minutes", minutes.ToString("R", CultureInfo.InvariantCulture)] : [];
        int evalReal = parse.GetValue(EvalReal);
        var resources = new SlurmScript.Resources(parse.GetValue(CpusPerTask), parse.GetValue(Time)!);
        if (emit != "slurm" && (Opt.Given(parse, CpusPerTask) || Opt.Given(parse, Time)))
            throw new UsageException($"{(Opt.Given(parse, CpusPerTask) ? "--cpus-per-task" : "--time")} is for the Slurm script: add --emit slurm");
        if (!SlurmScript.IsSlurmTime(resources.Time))
            throw new UsageException($"--time: '{resources.Time}' is not a Slurm time (MM, HH:MM:SS or D-HH:MM:SS, e.g. 30 or 2:00:00)");
        Directory.CreateDirectory(outDir);

        if (emit == "slurm")
        {
            var script = Path.Combine(outDir, "sweep.slurm");
            AtomicFile.WriteText(script, SlurmScript.Make(model, points, epochs, n, extra, outDir, budget, resources), "sweep.slurm");
            Console.WriteLine($"wrote {script} ({points.Count} array tasks). Submit it, then aggregate the run folders with:");
            Console.WriteLine($"  sbatch {script}");
            Console.WriteLine($"  scratch sweep --aggregate {outDir}");
            return 0;
        }

        Console.WriteLine($"scratch sweep: {model}, {points.Count} points × {epochs} epochs, {jobs} at a time, into {outDir}");
        var evalLock = new object();
        try { Parallel.ForEach(points, new ParallelOptions { MaxDegreeOfParallelism = jobs }, p => RunPoint(p)); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); }

        void RunPoint(SweepPoint p)
        {
            var dir = Path.Combine(outDir, p.Name);
            var evalPath = Path.Combine(dir, "eval.json");
            if (File.Exists(evalPath)) { Console.WriteLine($"{p.Name}: done already, skipped"); return; }
            string[] train = [.. TrainArgs(model, p, epochs, dir, extra), .. budget];
            int code;
            try { code = jobs == 1 ? ScratchCli.Run(train) : Child(train, Path.Combine(outDir, p.Name + ".log")); }
            catch (TrainingDivergedException e) { Console.WriteLine($"{p.Name}: {e.Message}; left out of the table"); return; }
            if (code == 1 && jobs > 1 && File.ReadAllText(Path.Combine(outDir, p.Name + ".log")).Contains("training diverged"))
            { Console.WriteLine($"{p.Name}: training diverged (see its log); left out of the table"); return; }
            if (code != 0) throw new InvalidOperationException(
                $"sweep point {p.Name} failed to train (exit {code}; see its log); finished points are kept, run the sweep again to continue");
            // One evaluation at a time: they share the CPU backend's worker threads.
            lock (evalLock)
            {
                var report = EvalCommand.Evaluate(new RunFolder(dir).LatestCheckpoint, n, 1, Program.DeviceOption("cpu"), realLimit: evalReal);
                AtomicFile.WriteText(evalPath, report.ToJson() + "\n", "eval.json");
                Console.WriteLine($"{p.Name}: IS {report.Generated.InceptionScore:F2}, FD {report.Generated.Frechet:F2}, " +
                    $"classes covered {report.Generated.ClassesCovered}");
            }
        }
        var rows = SweepTable.Read(outDir);
        SweepTable.Write(outDir, rows);
        Console.WriteLine($"wrote {Path.Combine(outDir, "sweep.md")}, sweep.csv and contact-sheet.png");
        return 0;
    }

    /// <summary>`train` arguments for a point: a fresh run, or --resume when an earlier attempt left a checkpoint.</summary>
    static string[] TrainArgs(string model, SweepPoint p, int epochs, string dir, List<string> extra)
    {
        var run = new RunFolder(dir);
        var e = epochs.ToString(CultureInfo.InvariantCulture);
        // A point that reached its last epoch resumes with nothing left to train, and goes straight to eval.
        if (File.Exists(run.LatestCheckpoint)) return ["train", "--resume", dir, "--epochs", e];
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);   // started but never reached a checkpoint: start again
        return ["train", "--model", model, .. p.TrainArgs, "--epochs", e, "--out", dir, "--sample-every", "0", .. extra];
    }

    /// <summary>Runs `scratch train` as a child process (parallel points), its output in a log file.</summary>
    static int Child(string[] args, string logPath)
    {
        var exe = Environment.ProcessPath ?? "scratch";
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Started as `dotnet scratch.dll`: the child needs the dll path too.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var x in args) psi.ArgumentList.Add(x);
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        using var log = new StreamWriter(logPath);
        var err = proc.StandardError.ReadToEndAsync();
        log.Write(proc.StandardOutput.ReadToEnd());
        proc.WaitForExit();
        log.Write(err.Result);
        return proc.ExitCode;
    }
}
