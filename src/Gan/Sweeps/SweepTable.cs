using Scratch.Layers;
using System.Globalization;
using System.Text;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Sweeps;

/// <summary>One finished point of a sweep, as read back from its run folder.</summary>
public sealed record SweepRow(string Name, IReadOnlyList<(string Option, string Value)> Settings, EvalReport Eval, double SecondsPerEpoch,
    string FinalGrid)
{
    /// <summary>O or X: <see cref="DigitsRule"/> on the generated samples' scores.</summary>
    public string Digits => DigitsRule.Mark(Eval.Generated.InceptionScore, Eval.Generated.ClassesCovered);
}

/// <summary>Reads a sweep folder's run folders and writes sweep.md, sweep.csv and contact-sheet.png.</summary>
public static class SweepTable
{
    /// <summary>Every subfolder with config.json and eval.json; the settings are parsed back from the folder name.</summary>
    public static List<SweepRow> Read(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"sweep folder '{dir}' does not exist");
        var rows = new List<SweepRow>();
        foreach (var sub in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            var run = new RunFolder(sub);
            var evalPath = Path.Combine(sub, "eval.json");
            if (!File.Exists(run.ConfigPath) || !File.Exists(evalPath)) continue;
            EvalReport eval;
            try { eval = EvalReport.FromJson(File.ReadAllText(evalPath)); }
            catch (System.Text.Json.JsonException e)
            { throw new InvalidDataException($"'{evalPath}' is not an evaluation written by scratch eval ({e.Message.Split('.')[0]})"); }
            var settings = Path.GetFileName(sub).Split('_').Select(s => s.Split('=', 2)).Where(kv => kv.Length == 2)
                .Select(kv => (kv[0], kv[1])).ToList();
            var epochs = GanConfig.FromJson(File.ReadAllText(run.ConfigPath)).Epochs;
            rows.Add(new SweepRow(Path.GetFileName(sub), settings, eval, EpochSeconds(run), run.Fixed(epochs)));
        }
        rows.Sort(BySettings);
        return rows;
    }

    /// <summary>Grid order: setting by setting, numbers by value (so batch-size 64 comes before 128), words by spelling.</summary>
    static int BySettings(SweepRow a, SweepRow b)
    {
        for (int i = 0; i < Math.Min(a.Settings.Count, b.Settings.Count); i++)
        {
            var (x, y) = (a.Settings[i].Value, b.Settings[i].Value);
            int c = double.TryParse(x, CultureInfo.InvariantCulture, out var dx) && double.TryParse(y, CultureInfo.InvariantCulture, out var dy)
                ? dx.CompareTo(dy) : string.CompareOrdinal(x, y);
            if (c != 0) return c;
        }
        return string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary>Mean seconds per epoch over the epochs epoch_times.csv records (a resumed epoch's last record counts).</summary>
    static double EpochSeconds(RunFolder run)
    {
        if (!File.Exists(run.EpochTimesPath)) return double.NaN;
        var byEpoch = new Dictionary<int, double>();
        foreach (var line in File.ReadAllLines(run.EpochTimesPath))
        {
            var p = line.Split(',');
            if (p.Length >= 2 && int.TryParse(p[0], CultureInfo.InvariantCulture, out var e)
                && double.TryParse(p[1], CultureInfo.InvariantCulture, out var s))
                byEpoch[e] = s;
        }
        return byEpoch.Count == 0 ? double.NaN : byEpoch.Values.Average();
    }

    public static void Write(string dir, List<SweepRow> rows)
    {
        if (rows.Count == 0) throw new InvalidDataException($"'{dir}' holds no finished sweep points (run folders with eval.json)");
        var options = rows.SelectMany(r => r.Settings.Select(s => s.Option)).Distinct().ToList();
        var ci = CultureInfo.InvariantCulture;
        string Cell(double? v) => v?.ToString("F3", ci) ?? "";
        string Get(SweepRow r, string o) => r.Settings.FirstOrDefault(s => s.Option == o).Value ?? "";
        // InfoGAN's evaluations also measure its categorical code: the column appears when a row has it.
        bool codes = rows.Any(r => r.Eval.Codes != null);
        string[] Cells(SweepRow r) =>
            [.. options.Select(o => Get(r, o)), r.Eval.Generated.InceptionScore.ToString("F2", ci), r.Eval.Generated.Frechet.ToString("F2", ci),
            $"{r.Eval.Generated.ClassesCovered}",
            .. codes ? [Cell(r.Eval.Codes?.QRealAccuracy), Cell(r.Eval.Codes?.Accuracy)] : Array.Empty<string>(),
            double.IsNaN(r.SecondsPerEpoch) ? "" : r.SecondsPerEpoch.ToString("F1", ci), r.Digits];
        string[] head = [.. options, "IS", "FD", "classes covered",
            .. codes ? ["Q on real digits", "generated code accuracy"] : Array.Empty<string>(), "s/epoch", "digits?"];

        var csv = new StringBuilder().AppendLine(string.Join(",", head.Select(h => h.Replace(' ', '_'))));
        foreach (var r in rows) csv.AppendLine(string.Join(",", Cells(r)));
        AtomicFile.WriteText(Path.Combine(dir, "sweep.csv"), csv.ToString());

        var first = rows[0].Eval;
        var md = new StringBuilder();
        md.AppendLine($"# Sweep: {first.Model}").AppendLine();
        md.AppendLine($"Protocol: {first.Protocol.Describe()}.").AppendLine();
        md.AppendLine($"Real held-out reference: IS {first.Reference.InceptionScore.ToString("F2", ci)}, " +
            $"FD {first.Reference.Frechet.ToString("F2", ci)}, classes covered {first.Reference.ClassesCovered}.").AppendLine();
        md.AppendLine($"digits? — {DigitsRule.Text}.").AppendLine();
        md.AppendLine("| " + string.Join(" | ", head) + " |");
        md.AppendLine("|" + string.Concat(head.Select(_ => "---|")));
        foreach (var r in rows) md.AppendLine("| " + string.Join(" | ", Cells(r)) + " |");
        md.AppendLine().AppendLine("![contact sheet](contact-sheet.png)");
        AtomicFile.WriteText(Path.Combine(dir, "sweep.md"), md.ToString());
        ContactSheet.Save(Path.Combine(dir, "contact-sheet.png"),
            rows.Select(r => (r.FinalGrid, r.Name.Replace('_', ' ') + "  " + r.Digits)).ToList());
    }
}
