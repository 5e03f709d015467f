using Scratch.Gan.Evaluation;
using Spectre.Console;

namespace Scratch.Gan.Cli;

/// <summary>
/// The terminal's tables (Spectre.Console) for `devices`, `bench` and `eval`. Only drawn when
/// <see cref="Terminal.Interactive"/>; the plain-text forms next to each verb stay what scripts read.
/// </summary>
internal static class Tables
{
    // Cells as plain Text: a string cell would be read as Spectre markup, where '[' starts a style.
    static void Row(Table t, params string[] cells) => t.AddRow(cells.Select(c => new Text(c)));

    public static void Devices(IEnumerable<(string Spec, bool Ok, string Detail)> rows, string auto)
    {
        var t = new Table().Title("devices").AddColumns("device", "status", "detail");
        foreach (var (spec, ok, detail) in rows)
            t.AddRow(new Text(spec), new Markup(ok ? "[green]available[/]" : "[red]unavailable[/]"), new Text(detail));
        var console = Terminal.Ansi();
        console.Write(t);
        console.MarkupLineInterpolated($"auto -> [bold]{auto}[/]");
    }

    /// <summary>The timing as a table; the JSON line (bench/compare.sh's input) is printed after it, unchanged.</summary>
    public static void Bench(string workload, string device, double medianMs, double minMs, int iters, long? launches, Bench.StepMemory m)
    {
        var t = new Table()
            .AddColumns("workload", "device", "median ms", "min ms", "iters", "launches/step", "pool peak MB", "pool reserved MB", "peak RSS MB");
        foreach (var i in new[] { 2, 3, 4, 5, 6, 7, 8 }) t.Columns[i].RightAligned();
        Row(t, workload, device, $"{medianMs:F3}", $"{minMs:F3}", $"{iters}", launches?.ToString() ?? "-",
            $"{m.PoolPeakMb:F1}", $"{m.PoolReservedMb:F1}", m.PeakRssMb?.ToString("F1") ?? "-");
        Terminal.Ansi().Write(t);
    }

    public static void Eval(EvalReport r)
    {
        var console = Terminal.Ansi();
        console.MarkupLineInterpolated($"[bold]scratch eval[/]: {r.Model} checkpoint {r.Checkpoint} (epoch {r.Epoch}, iteration {r.Iteration})");
        console.WriteLine("protocol: " + r.Protocol.Describe());
        var t = new Table().AddColumns("metric", $"generated (n={r.Generated.N})", $"real held-out (n={r.Reference.N})");
        t.Columns[1].RightAligned(); t.Columns[2].RightAligned();
        foreach (var (metric, gen, real) in r.Rows()) Row(t, metric, gen, real);
        console.Write(t);
        foreach (var line in r.Footer()) console.WriteLine(line);
    }
}
