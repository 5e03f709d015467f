using Scratch.Gan.Cli;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Evaluation;

/// <summary>`scratch eval`: the metrics of a checkpoint's samples, beside those of held-out real digits.</summary>
public static class EvalCommand
{
    public static int Run(Args a)
    {
        var path = a.Str("checkpoint") ?? throw new UsageException("--checkpoint is required (a checkpoints/*.safetensors file of a run)");
        int n = a.Int("n", 10000, min: 10);
        var seed = (ulong)a.Int("seed", 1, min: 0);
        bool json = a.Flag("json");
        var classifierPath = a.Str("classifier");
        var dataDir = a.Str("data");
        var outPath = a.Str("out");
        int realLimit = a.Int("real", int.MaxValue, min: 10);       // fewer real reference images: quicker, noisier (tests)
        int kidSubsets = a.Int("kid-subsets", 100);
        var device = Program.DeviceOption(a);
        a.Done(1);
        if (!File.Exists(path)) throw new UsageException($"--checkpoint: '{path}' does not exist");
        if (classifierPath != null && !File.Exists(classifierPath)) throw new UsageException($"--classifier: '{classifierPath}' does not exist");

        var report = Evaluate(path, n, seed, device, classifierPath, dataDir, realLimit, kidSubsets);
        var text = json ? report.ToJson() : report.ToTable();
        if (outPath != null) AtomicFile.WriteText(outPath, report.ToJson() + "\n", "eval.json");
        Console.WriteLine(text.TrimEnd());
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
        return new EvalReport(path, config.Model, progress.Epoch, progress.Iteration, evaluator.Protocol,
            evaluator.Generated(gan), evaluator.Reference(), evaluator.Codes(gan));
    }

    public static Evaluator MakeEvaluator(string? classifierPath, string? dataDir, int n, ulong seed, int realLimit = int.MaxValue, int kidSubsets = 100)
    {
        var (net, about) = classifierPath == null ? Classifier.Embedded() : Classifier.Load(classifierPath);
        string name = (classifierPath ?? "embedded " + Classifier.EmbeddedName) +
            (about.TryGetValue("held_out_accuracy", out var acc) && double.TryParse(acc, System.Globalization.CultureInfo.InvariantCulture, out var v) ? $", held-out accuracy {v:P2}" : "");
        return new Evaluator(net, name, EvalData.Load(dataDir), n, seed, realLimit, kidSubsets, Math.Min(1000, n));
    }
}
