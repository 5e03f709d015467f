using Scratch.Layers;
using System.CommandLine;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>`scratch eval`: the metrics of a checkpoint's samples, beside those of held-out real digits.</summary>
public static class EvalCommand
{
    static readonly Option<string?> Checkpoint = Opt.Text("--checkpoint", "(required) the checkpoint whose samples are measured", "FILE");
    static readonly Option<int> N = Opt.Int("--n", "samples to measure", 10000, min: 10);
    static readonly Option<int> Seed = Opt.Int("--seed", "seed of the latents", 1, min: 0);
    static readonly Option<bool> Json = Opt.Flag("--json", "print one JSON object instead of the table");
    static readonly Option<string?> ClassifierFile = Opt.Text("--classifier",
        "the judge's weights, from `scratch classifier train` [default: the one shipped in the program]", "FILE");
    static readonly Option<string?> Data = Opt.Text("--data", "real images to compare with [default: the run's data, held out]", "DIR");
    static readonly Option<string?> Out = Opt.Text("--out", "also write the report as JSON to this file", "FILE");
    static readonly Option<string?> Device = Opt.Device();
    // Fewer real reference images and KID subsets: quicker, noisier (tests).
    static readonly Option<int> Real = Opt.Hidden(Opt.Int("--real", "real reference images", int.MaxValue, min: 10));
    static readonly Option<int> KidSubsets = Opt.Hidden(Opt.Int("--kid-subsets", "KID subsets", 100));

    public static Command Define()
    {
        var command = new Command("eval", "did the GAN work? IS, class histogram, Fréchet distance, KID, precision/recall (docs/evaluation.md)")
        {
            Checkpoint, N, Seed, Json, ClassifierFile, Data, Out, Device, Real, KidSubsets,
        };
        command.SetAction(Run);
        return command;
    }

    public static int Run(ParseResult p)
    {
        var path = p.GetValue(Checkpoint) ?? throw new UsageException("--checkpoint is required (a checkpoints/*.safetensors file of a run)");
        int n = p.GetValue(N);
        var seed = (ulong)p.GetValue(Seed);
        bool json = p.GetValue(Json);
        var classifierPath = p.GetValue(ClassifierFile);
        var dataDir = p.GetValue(Data);
        var outPath = p.GetValue(Out);
        int realLimit = p.GetValue(Real);
        int kidSubsets = p.GetValue(KidSubsets);
        var device = Program.DeviceOption(p.GetValue(Device));
        if (!File.Exists(path)) throw new UsageException($"--checkpoint: '{path}' does not exist");
        if (classifierPath != null && !File.Exists(classifierPath)) throw new UsageException($"--classifier: '{classifierPath}' does not exist");

        var report = Evaluate(path, n, seed, device, classifierPath, dataDir, realLimit, kidSubsets);
        if (outPath != null) AtomicFile.WriteText(outPath, report.ToJson() + "\n", "eval.json");
        if (json) Console.WriteLine(report.ToJson());
        else if (Terminal.Interactive) Tables.Eval(report);
        else Console.WriteLine(report.ToTable().TrimEnd());
        return 0;
    }

    /// <summary>Loads a GAN checkpoint and the classifier, and measures both the samples and the held-out reference.</summary>
    public static EvalReport Evaluate(string path, int n, ulong seed, Tensors.Device device, string? classifierPath = null, string? dataDir = null,
        int realLimit = int.MaxValue, int kidSubsets = 100)
    {
        var config = RunFolder.ReadConfig(path);
        var gan = new GanModel(config, device);
        var progress = RunFolder.LoadCheckpoint(path, gan);
        var evaluator = MakeEvaluator(classifierPath, dataDir ?? (config.Data == "embedded" ? null : config.Data), n, seed, realLimit, kidSubsets);
        return new EvalReport(path, Setting.Name(config.Model), progress.Epoch, progress.Iteration, evaluator.Protocol,
            evaluator.Generated(gan), evaluator.Reference(), evaluator.Codes(gan));
    }

    public static Evaluator MakeEvaluator(string? classifierPath, string? dataDir, int n, ulong seed, int realLimit = int.MaxValue,
        int kidSubsets = 100)
    {
        var (net, about) = classifierPath == null ? Classifier.Embedded() : Classifier.Load(classifierPath);
        string name = (classifierPath ?? "embedded " + Classifier.EmbeddedName) +
            (about.TryGetValue("held_out_accuracy", out var acc) && double.TryParse(acc, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? $", held-out accuracy {v:P2}" : "");
        return new Evaluator(net, name, EvalData.Load(dataDir), n, seed, realLimit, kidSubsets, Math.Min(1000, n));
    }
}
