using System.Text;
using System.Text.RegularExpressions;

namespace Scratch.Gan.Sweeps;

/// <summary>
/// `sweep --emit slurm`: a job-array script, one array task per grid point, each running the same
/// train-then-eval as a local sweep (and skipping or resuming exactly as it does), so that
/// `scratch sweep --aggregate DIR` can build the same table from the run folders afterwards.
/// </summary>
public static class SlurmScript
{
    /// <summary>
    /// What each array task asks Slurm for. The defaults fit the smallest node: a task asking for more CPUs
    /// than any node has stays pending for ever (reason PartitionConfig), so the user asks for more, not less.
    /// </summary>
    public sealed record Resources(int CpusPerTask = DefaultCpus, string Time = DefaultTime);

    public const int DefaultCpus = 1;
    public const string DefaultTime = "02:00:00";

    /// <summary>Slurm's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.</summary>
    public static bool IsSlurmTime(string time) => TimeFormat.IsMatch(time);

    // \z, not $: a time ending in a newline would end the #SBATCH line and start another.
    static readonly Regex TimeFormat = new(@"^(\d+(:\d{1,2}){0,2}|\d+-\d{1,2}(:\d{1,2}){0,2})\z");

    public static string Make(string model, IReadOnlyList<SweepPoint> points, int epochs, int n, IReadOnlyList<string> extra, string outDir,
        IReadOnlyList<string>? budget = null, Resources? resources = null)
    {
        resources ??= new Resources();
        if (!IsSlurmTime(resources.Time)) throw new ArgumentException($"not a Slurm time: '{resources.Time}'", nameof(resources));
        static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
        // --minutes, when given: on the fresh run and the resume alike, as a local sweep passes it.
        var limit = budget is { Count: > 0 } ? " " + string.Join(" ", budget) : "";
        var sb = new StringBuilder();
        sb.AppendLine("#!/bin/bash");
        sb.AppendLine($"#SBATCH --job-name=scratch-sweep-{model}");
        sb.AppendLine($"#SBATCH --array=0-{points.Count - 1}");
        sb.AppendLine($"#SBATCH --cpus-per-task={resources.CpusPerTask}");
        sb.AppendLine($"#SBATCH --time={resources.Time}");
        sb.AppendLine($"#SBATCH --output={outDir}/slurm-%A_%a.log");
        sb.AppendLine("# Written by `scratch sweep --emit slurm`. After every task has finished:");
        sb.AppendLine($"#   scratch sweep --aggregate {Q(outDir)}");
        sb.AppendLine("set -euo pipefail");
        sb.AppendLine("SCRATCH=${SCRATCH:-scratch}   # the scratch program (or: export SCRATCH=\"dotnet /path/to/scratch.dll\")");
        sb.AppendLine($"OUT={Q(outDir)}");
        sb.AppendLine("NAMES=(");
        foreach (var p in points) sb.AppendLine("  " + Q(p.Name));
        sb.AppendLine(")");
        sb.AppendLine("ARGS=(");
        foreach (var p in points) sb.AppendLine("  " + Q(string.Join(" ", p.TrainArgs.Concat(extra))));
        sb.AppendLine(")");
        sb.AppendLine("name=${NAMES[$SLURM_ARRAY_TASK_ID]}; dir=\"$OUT/$name\"");
        sb.AppendLine("if [[ -f \"$dir/eval.json\" ]]; then echo \"$name: done already\"; exit 0; fi");
        sb.AppendLine("if [[ -f \"$dir/checkpoints/latest.safetensors\" ]]; then");
        sb.AppendLine($"  $SCRATCH train --resume \"$dir\" --epochs {epochs}{limit}");
        sb.AppendLine("else");
        sb.AppendLine("  rm -rf \"$dir\"");
        sb.AppendLine($"  $SCRATCH train --model {model} ${{ARGS[$SLURM_ARRAY_TASK_ID]}} --epochs {epochs}{limit} --out \"$dir\" --sample-every 0");
        sb.AppendLine("fi");
        sb.AppendLine($"$SCRATCH eval --checkpoint \"$dir/checkpoints/latest.safetensors\" --n {n} --seed 1 --device cpu --out \"$dir/eval.json\"");
        return sb.ToString();
    }
}
