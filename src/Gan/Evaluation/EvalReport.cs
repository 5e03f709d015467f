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
    public static EvalReport FromJson(string s) => JsonSerializer.Deserialize<EvalReport>(s, Json) ?? throw new InvalidDataException("empty evaluation JSON");

    public string ToTable()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine($"scratch eval: {Model} checkpoint {Checkpoint} (epoch {Epoch}, iteration {Iteration})");
        sb.AppendLine("protocol: " + Protocol.Describe());
        string refHead = $"real held-out (n={Reference.N})";
        sb.AppendLine($"{"metric",-30}{$"generated (n={Generated.N})",20}{refHead,26}");
        void Row(string name, Func<SetMetrics, string> f) => sb.AppendLine($"{name,-30}{f(Generated),20}{f(Reference),26}");
        Row("inception score", m => m.InceptionScore.ToString("F3", ci));
        Row("classes covered (>= 2 %)", m => $"{m.ClassesCovered}/{m.ClassHistogram.Length}");
        Row("class histogram KL to uniform", m => m.HistogramKl.ToString("F4", ci));
        Row("Frechet distance", m => m.Frechet.ToString("F3", ci));
        Row("KID (mean ± std)", m => $"{m.KidMean.ToString("F4", ci)} ± {m.KidStd.ToString("F4", ci)}");
        Row("precision (k=3)", m => m.Precision.ToString("F3", ci));
        Row("recall (k=3)", m => m.Recall.ToString("F3", ci));
        sb.AppendLine("class histogram, generated:    " + Hist(Generated));
        sb.AppendLine("class histogram, real held-out: " + Hist(Reference));
        if (Codes != null)
            sb.AppendLine($"InfoGAN categorical code accuracy: {Codes.Accuracy.ToString("P2", ci)} ({Codes.PerCode} samples per code; code→digit " +
                string.Join(" ", Codes.DigitOfCode.Select((d, c) => $"{c}→{d}")) + ")");
        foreach (var e in Codes?.Continuous ?? [])
            sb.AppendLine($"InfoGAN continuous code {e.Code}: moves {e.Statistic} most monotonically (mean Spearman ρ {e.MeanSpearman.ToString("F2", ci)} over {e.Bases} latents, {e.Steps} steps from −2 to 2)");
        return sb.ToString();
    }

    static string Hist(SetMetrics m) => string.Join(" ", m.ClassHistogram.Select((c, i) => $"{i}:{c}"));
}
