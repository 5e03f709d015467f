using Scratch.Gan.Data;
using Scratch.Gan.Evaluation.Metrics;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;

namespace Scratch.Gan.Evaluation;

/// <summary>
/// A label-free choice among InfoGAN runs of one recipe (`scratch pick`, #33), after ModelCentrality (Lin et al. 2020,
/// the InfoGAN-CR paper): keep the run that agrees most with the others. Each run's Q sorts the same n images of the
/// training data into its categories (pixels only, never labels); two runs agree on an image when their categories
/// for it correspond under the best one-to-one matching of the two runs' categories; a run's centrality is its mean
/// agreement with every other run. Runs that found the digit classes agree with each other; a run that went wrong
/// went wrong its own way (4s with 9s by slant, 1s with 8s, 3s with 5s), so the right partition sits at the centre.
/// Q's mutual information on the same images, H(mean p) − mean H(p), is reported beside it: it is what --info-max
/// trains, but it ranked runs less reliably (docs/gans.md).
/// </summary>
public static class RunPick
{
    /// <summary>One run's checkpoint, Q's category for each of the images, and its information about them.</summary>
    public sealed record Sorted(string Checkpoint, ulong Seed, long Iteration, string Data, int[] Categories,
        double Information, double LargestShare);

    /// <summary>Q's arg-max category, information and largest category share on the first n training images of the checkpoint's data.</summary>
    public static Sorted Sort(string checkpoint, int n, Device device)
    {
        var config = RunFolder.ReadConfig(checkpoint);
        if (config.Model != ModelKind.InfoGan)
            throw new InvalidDataException(
                $"{checkpoint}: a {Setting.Name(config.Model)} run has no Q network; only infogan runs can be picked this way");
        var gan = new GanModel(config, device);
        var progress = RunFolder.LoadCheckpoint(checkpoint, gan);
        var images = config.Data == "embedded" ? ImageSet.Embedded() : ImageSet.FromFolder(config.Data);
        int count = Math.Min(n, images.Count), k = InfoGanD.Categories;
        var probs = Evaluator.QProbabilities(gan, images, [.. Enumerable.Range(0, count)]);
        var categories = Evaluator.ArgMaxRows(probs, count, k);
        var (information, largestShare) = Evaluator.LabelFree(probs, count, k);
        return new Sorted(checkpoint, config.Seed, progress.Iteration, config.Data, categories, information, largestShare);
    }

    /// <summary>The share of images two runs put in corresponding categories, under the best one-to-one matching of them.</summary>
    public static double Agreement(int[] a, int[] b, int k) => CodeMatching.Match(a, b, k).Accuracy;

    /// <summary>Each run's mean agreement with every other run (needs at least three: with two, both have the same).</summary>
    public static double[] Centrality(IReadOnlyList<int[]> categories, int k)
    {
        int m = categories.Count;
        if (m < 3) throw new ArgumentException($"centrality needs at least three runs (got {m})", nameof(categories));
        var agreement = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                agreement[i, j] = agreement[j, i] = Agreement(categories[i], categories[j], k);
        return [.. Enumerable.Range(0, m).Select(i => Enumerable.Range(0, m).Where(j => j != i).Average(j => agreement[i, j]))];
    }

    /// <summary>The index of the largest value; the first of equals.</summary>
    public static int Best(double[] values) => ClassifierTraining.ArgMax(values);
}
