using System.Globalization;
using Scratch.Gan.Cli;

namespace Scratch.Gan.Evaluation;

/// <summary>`scratch classifier train`: trains the judge that `scratch eval` uses, and writes its weights.</summary>
public static class ClassifierCommand
{
    public static int Run(Args a)
    {
        var sub = a.Positional.ElementAtOrDefault(1);
        if (sub != "train") throw new UsageException(sub == null ? "classifier needs a subcommand: scratch classifier train [--data DIR] [--out FILE] [--epochs N] [--seed N]" : $"classifier: unknown subcommand '{sub}' (only: train)");
        var dataDir = a.Str("data");
        var outPath = a.Str("out", "classifier.safetensors");
        int epochs = a.Int("epochs", 15);
        var seed = (ulong)a.Int("seed", 0, min: 0);
        var device = Program.DeviceOption(a);
        a.Done(2);
        var data = EvalData.Load(dataDir);
        Console.WriteLine($"scratch classifier train: {data.Description}; {epochs} epochs, seed {seed}, device {device}");
        var (net, acc) = ClassifierTraining.Train(data, epochs, seed, device, Console.Out);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        net.Save(outPath, new Dictionary<string, string>
        {
            ["data"] = data.Description,
            ["epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["held_out_accuracy"] = F(acc),
            ["held_out_count"] = data.HeldIdx.Length.ToString(CultureInfo.InvariantCulture),
        });
        Console.WriteLine($"held-out accuracy {acc:P2} on {data.HeldIdx.Length} images; wrote {outPath}");
        return 0;
    }
}
