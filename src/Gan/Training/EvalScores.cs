using System.Globalization;

namespace Scratch.Gan.Training;

/// <summary>
/// What an evaluation during training (--eval-every) hands the trainer: metrics.csv's evaluation
/// columns, the log line, and the class coverage the diagnostics watch. Evaluation makes it
/// (SetMetrics.ForTraining); Training only records it.
/// </summary>
public sealed record EvalScores(double InceptionScore, double Frechet, double KidMean, double Precision, double Recall, int ClassesCovered,
    double HistogramKl)
{
    /// <summary>The metrics.csv columns, in the order of <see cref="Cells"/>.</summary>
    public static readonly string[] Columns = ["is", "fd", "kid", "precision", "recall", "classes_covered", "hist_kl"];

    public IEnumerable<string> Cells =>
        new double[] { InceptionScore, Frechet, KidMean, Precision, Recall, ClassesCovered, HistogramKl }
            .Select(x => x.ToString("R", CultureInfo.InvariantCulture));

    public string Describe(long iter) =>
        $"eval at iteration {iter}: IS {InceptionScore:F3}, FD {Frechet:F3}, KID {KidMean:F4}, precision {Precision:F3}, recall {Recall:F3}, " +
        $"classes covered {ClassesCovered}";
}
