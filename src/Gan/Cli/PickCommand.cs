using System.CommandLine;
using System.Text.Json;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch pick RUN...`: which of several InfoGAN runs to keep, chosen without labels: the one whose Q sorts real digits
/// most like the others do (Evaluation/RunPick.cs). It prints each run's scores and the one it kept, and why; continuing
/// the kept run is `scratch train --resume RUN --iterations N`.
/// </summary>
public static class PickCommand
{
    static readonly Argument<string[]> Runs = new("RUN")
    {
        Description = "run folders (their checkpoints/latest.safetensors) or checkpoint files, all at the same iteration",
        Arity = ArgumentArity.ZeroOrMore,
    };
    static readonly Option<int> N = Opt.Int("--n", "training images Q sorts for the score (their labels are never read)", 2000, min: 100);
    static readonly Option<bool> Json = Opt.Flag("--json", "print one JSON object instead of the table");
    static readonly Option<string?> Device = Opt.Device();

    public static Command Define()
    {
        var command = new Command("pick", "keep the InfoGAN run whose Q sorts real digits most like the other runs do, without labels (docs/cli.md)")
        {
            Runs, N, Json, Device,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult p)
    {
        var runs = p.GetValue(Runs) ?? [];
        if (runs.Length < 3) throw new UsageException($"scratch pick needs at least three runs, each compared with the others (got {runs.Length})");
        var checkpoints = runs.Select(Checkpoint).ToArray();
        if (checkpoints.Distinct().Count() < checkpoints.Length) throw new UsageException("scratch pick: a run is named twice");
        var device = Program.DeviceOption(p.GetValue(Device));
        var sorted = checkpoints.Select(c => RunPick.Sort(c, p.GetValue(N), device)).ToList();
        // Q's categories sharpen as a run trains, so only runs at the same point, on the same images, are compared.
        if (sorted.Select(c => c.Iteration).Distinct().Count() > 1)
            throw new UsageException("scratch pick: the runs are at different iterations (" + string.Join(", ", sorted.Select(c => c.Iteration)) +
                "); train each to the same --iterations first");
        if (sorted.Select(c => c.Data).Distinct().Count() > 1)
            throw new UsageException("scratch pick: the runs trained on different data (" +
                string.Join(", ", sorted.Select(c => c.Data).Distinct()) + ")");
        var centrality = RunPick.Centrality([.. sorted.Select(c => c.Categories)], InfoGanD.Categories);
        int kept = RunPick.Best(centrality);
        var runner = centrality.Where((_, i) => i != kept).Max();
        var why = $"its Q sorts the images most like the other runs do, agreeing with them on {centrality[kept]:P1} on average (next {runner:P1})";
        if (p.GetValue(Json)) Console.WriteLine(ToJson(sorted, centrality, kept, why));
        else
        {
            Console.WriteLine($"each run's Q sorts {sorted[0].Categories.Length} training images (no labels); " +
                "agreement: images two runs put in matching " +
                "categories; information in nats (at most ln 10 = 2.303)");
            Console.WriteLine($"{"run",-40} {"seed",6} {"iteration",10} {"mean agreement",15} {"information",12} {"largest share",14}");
            for (int i = 0; i < sorted.Count; i++)
            {
                var c = sorted[i];
                Console.WriteLine($"{runs[i],-40} {c.Seed,6} {c.Iteration,10} {centrality[i],15:P1} {c.Information,12:F3} {c.LargestShare,14:P1}" +
                    (i == kept ? "  <- kept" : ""));
            }
            Console.WriteLine($"kept {runs[kept]}: {why}");
        }
        return 0;
    }

    /// <summary>A run folder's latest checkpoint, or the checkpoint file itself.</summary>
    static string Checkpoint(string run)
    {
        if (File.Exists(run)) return Path.GetFullPath(run);
        var latest = Path.Combine(run, "checkpoints", "latest.safetensors");
        if (File.Exists(latest)) return Path.GetFullPath(latest);
        throw new UsageException(Directory.Exists(run)
            ? $"{run}: no checkpoints/latest.safetensors (has the run saved a checkpoint?)"
            : $"{run}: no such run folder or file");
    }

    static string ToJson(IReadOnlyList<RunPick.Sorted> sorted, double[] centrality, int kept, string why) => JsonSerializer.Serialize(new
    {
        kept = sorted[kept].Checkpoint,
        why,
        runs = sorted.Select((c, i) => new
        {
            checkpoint = c.Checkpoint, seed = c.Seed, iteration = c.Iteration, images = c.Categories.Length,
            mean_agreement = centrality[i], information = c.Information, largest_share = c.LargestShare,
        }),
    });
}
