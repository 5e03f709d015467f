using System.CommandLine;
using System.Globalization;
using Scratch.Gan.Evaluation;

namespace Scratch.Gan.Cli;

/// <summary>`scratch classifier train`: trains the judge that `scratch eval` uses, and writes its weights.</summary>
public static class ClassifierCommand
{
    static readonly Option<string?> Data = Opt.Text("--data",
        "an IDX folder to train on (t10k files, if any, are the held-out set) [default: the embedded digits]", "DIR");
    static readonly Option<string> Out = Opt.Text("--out", "where to write the weights", "FILE", "classifier.safetensors");
    static readonly Option<int> Epochs = Opt.Int("--epochs", "passes over the data", 15);
    static readonly Option<int> Seed = Opt.Int("--seed", "seed of the initial weights and the shuffles", 0, min: 0);
    static readonly Option<string?> Device = Opt.Device();

    /// <summary>`classifier` holds one subcommand today, `train`; alone it says so.</summary>
    public static Command Define()
    {
        var train = new Command("train", "train the MNIST classifier that eval judges with (one ships in the program)")
            { Data, Out, Epochs, Seed, Device };
        train.SetAction(Run);
        var classifier = new Command("classifier", "the judge of `scratch eval`: classifier train") { train };
        classifier.SetAction(NeedsSubcommand);
        return classifier;
    }

    static int NeedsSubcommand(ParseResult _) =>
        throw new UsageException("classifier needs a subcommand: scratch classifier train [--data DIR] [--out FILE] [--epochs N] [--seed N]");

    public static int Run(ParseResult p)
    {
        var dataDir = p.GetValue(Data);
        var outPath = p.GetValue(Out)!;
        int epochs = p.GetValue(Epochs);
        var seed = (ulong)p.GetValue(Seed);
        var device = Program.DeviceOption(p.GetValue(Device));
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
