using System.CommandLine;
using System.Text.Json;
using Scratch.Gan.Evaluation;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch pick RUN...`: which of several InfoGAN runs to keep, chosen without labels (Evaluation/RunPick.cs). It prints
/// each run's score and the one it kept, and why; continuing the kept run is `scratch train --resume RUN --iterations N`.
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
        var command = new Command("pick", "keep the InfoGAN run whose Q tells most about real digits, without labels (docs/gans.md)")
        {
            Runs, N, Json, Device,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult p)
    {
        var runs = p.GetValue(Runs) ?? [];
        if (runs.Length < 2) throw new UsageException($"scratch pick needs at least two runs to choose among (got {runs.Length})");
        var checkpoints = runs.Select(Checkpoint).ToArray();
        if (checkpoints.Distinct().Count() < checkpoints.Length) throw new UsageException("scratch pick: a run is named twice");
        var device = Program.DeviceOption(p.GetValue(Device));
        var scored = checkpoints.Select(c => RunPick.Score(c, p.GetValue(N), device)).ToList();
        // The information grows as a run trains, so only runs at the same point can be compared.
        if (scored.Select(c => c.Iteration).Distinct().Count() > 1)
            throw new UsageException("scratch pick: the runs are at different iterations (" + string.Join(", ", scored.Select(c => c.Iteration)) +
                "); train each to the same --iterations first");
        int kept = RunPick.Best(scored);
        var runner = scored.Where((_, i) => i != kept).Max(c => c.Information);
        var why = $"Q's information about real digits is the highest, {scored[kept].Information:F3} nats (next {runner:F3})";
        if (p.GetValue(Json)) Console.WriteLine(ToJson(scored, kept, why));
        else
        {
            Console.WriteLine($"Q's categories of {scored[0].Images} training images of each run (no labels): information in nats (at most ln 10 = 2.303)");
            Console.WriteLine($"{"run",-40} {"seed",6} {"iteration",10} {"information",12} {"largest share",14}");
            for (int i = 0; i < scored.Count; i++)
            {
                var c = scored[i];
                Console.WriteLine($"{runs[i],-40} {c.Seed,6} {c.Iteration,10} {c.Information,12:F3} {c.LargestShare,14:P1}{(i == kept ? "  <- kept" : "")}");
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
        throw new UsageException(Directory.Exists(run) ? $"{run}: no checkpoints/latest.safetensors (has the run saved a checkpoint?)" : $"{run}: no such run folder or file");
    }

    static string ToJson(IReadOnlyList<RunPick.Candidate> scored, int kept, string why) => JsonSerializer.Serialize(new
    {
        kept = scored[kept].Checkpoint,
        why,
        runs = scored.Select(c => new
        {
            checkpoint = c.Checkpoint, seed = c.Seed, iteration = c.Iteration, images = c.Images,
            information = c.Information, largest_share = c.LargestShare,
        }),
    });
}
