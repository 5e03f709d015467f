using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Scratch.Gan.Evaluation;

/// <summary>One evaluation: what was measured, how (the protocol), and the numbers; as a table or one JSON object.</summary>
public sealed record EvalReport(string Checkpoint, string Model, int Epoch, long Iteration, EvalProtocol Protocol,
    SetMetrics Generated, SetMetrics Reference, CodeAccuracy? Codes)
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static EvalReport FromJson(string s) =>
        JsonSerializer.Deserialize<EvalReport>(s, Json) ?? throw new InvalidDataException("empty evaluation JSON");

    public string ToTable()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine($"scratch eval: {Model} checkpoint {Checkpoint} (epoch {Epoch}, iteration {Iteration})");
        sb.AppendLine("protocol: " + Protocol.Describe());
        string refHead = $"real held-out (n={Reference.N})";
        sb.AppendLine($"{"metric",-30}{$"generated (n={Generated.N})",20}{refHead,26}");
        foreach (var (name, gen, real) in Rows()) sb.AppendLine($"{name,-30}{gen,20}{real,26}");
        foreach (var line in Footer()) sb.AppendLine(line);
        return sb.ToString();
    }

    /// <summary>The metric rows, (name, generated, real held-out): the plain table above and the terminal's table draw the same.</summary>
    public IEnumerable<(string Metric, string Generated, string Reference)> Rows()
    {
        var ci = CultureInfo.InvariantCulture;
        (string, string, string) Row(string name, Func<SetMetrics, string> f) => (name, f(Generated), f(Reference));
        yield return Row("inception score", m => m.InceptionScore.ToString("F3", ci));
        yield return Row("classes covered (>= 2 %)", m => $"{m.ClassesCovered}/{m.ClassHistogram.Length}");
        yield return Row("class histogram KL to uniform", m => m.HistogramKl.ToString("F4", ci));
        yield return Row("Frechet distance", m => m.Frechet.ToString("F3", ci));
        yield return Row("KID (mean ± std)", m => $"{m.KidMean.ToString("F4", ci)} ± {m.KidStd.ToString("F4", ci)}");
        yield return Row("precision (k=3)", m => m.Precision.ToString("F3", ci));
        yield return Row("recall (k=3)", m => m.Recall.ToString("F3", ci));
    }

    /// <summary>The lines after the metric rows: class histograms, and InfoGAN's code accuracy.</summary>
    public IEnumerable<string> Footer()
    {
        var ci = CultureInfo.InvariantCulture;
        yield return "class histogram, generated:    " + Hist(Generated);
        yield return "class histogram, real held-out: " + Hist(Reference);
        // KID is the one row whose scale a reader cannot guess (docs/evaluation.md has the rest).
        yield return "KID = kernel inception distance: how far the generated features lie from the real ones (an unbiased squared MMD); " +
            "lower is better, 0 = indistinguishable, and it can dip below 0 by chance";
        if (Codes != null)
            yield return $"InfoGAN generated code accuracy: {Codes.Accuracy.ToString("P2", ci)} (G's samples per code named by the classifier, " +
                $"{Codes.PerCode} per code; code→digit " + string.Join(" ", Codes.DigitOfCode.Select((d, c) => $"{c}→{d}")) + ")";
        if (Codes is { QRealAccuracy: { } qAccuracy, QRealDigitOfCode: { } qDigits })
            yield return
                $"InfoGAN Q on real digits: {qAccuracy.ToString("P2", ci)} (Q's category for each of {Codes.QRealCount} held-out real digits " +
                "against its label; code→digit " + string.Join(" ", qDigits.Select((d, c) => $"{c}→{d}")) + ")";
        if (Codes is { QRealConfusion: { } confusion, QRealDigitOfCode: { } matched } && MixUps(confusion, matched) is { Length: > 0 } mixUps)
            yield return "InfoGAN Q on real digits, the largest mix-ups: " + mixUps;
        if (Codes is { QRealInformation: { } information, QRealLargestShare: { } share })
            yield return $"InfoGAN Q on real digits, label-free: mutual information {information.ToString("F3", ci)} nats of ln 10 = 2.303 " +
                $"(H(mean p) − mean H(p)), largest category {share.ToString("P1", ci)} of the digits (10 % when balanced)";
        foreach (var e in Codes?.Continuous ?? [])
            yield return $"InfoGAN continuous code {e.Code}: moves {e.Statistic} most monotonically " +
                $"(mean Spearman ρ {e.MeanSpearman.ToString("F2", ci)} over {e.Bases} latents, {e.Steps} steps from −2 to 2)";
    }

    /// <summary>The three largest counts of real digits put in a category matched to another digit: "61 real 4s read as 9", ….</summary>
    public static string MixUps(int[][] confusion, int[] digitOfCode) => string.Join(", ",
        confusion.SelectMany((row, code) => row.Select((count, digit) => (count, digit, read: digitOfCode[code])))
            .Where(m => m.digit != m.read && m.count > 0).OrderByDescending(m => m.count).Take(3)
            .Select(m => $"{m.count} real {m.digit}s read as {m.read}"));

    static string Hist(SetMetrics m) => string.Join(" ", m.ClassHistogram.Select((c, i) => $"{i}:{c}"));
}
