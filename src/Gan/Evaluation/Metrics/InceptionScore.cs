namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// Inception score with the MNIST classifier (Salimans et al. 2016): exp(E_x KL(p(y|x) ‖ p(y))), where
/// p(y) is the mean softmax. High when each image is classified confidently (low entropy per image)
/// and the classes are used evenly (high entropy of the marginal); between 1 and the number of
/// classes. Computed over all n images at once (not the 10-split mean of the original code).
/// </summary>
public static class InceptionScore
{
    /// <summary>probs: n rows of k class probabilities.</summary>
    // TASK 7.1: exp of the mean over images of KL(p(y|x) ‖ p(y)), p(y) the mean of the rows; 0·log 0 counts as 0
    public static double Compute(double[] probs, int n, int k)
    {
        if (n < 1 || probs.Length != n * k) throw new ArgumentException($"inception score: {probs.Length} probabilities are not {n}×{k}");
        var marginal = new double[k];
        for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) marginal[c] += probs[i * k + c] / n;
        double kl = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                double p = probs[i * k + c];
                if (p > 0) kl += p * (Math.Log(p) - Math.Log(marginal[c]));   // 0·log 0 = 0
            }
        return Math.Exp(kl / n);
    }
}

/// <summary>
/// How the classifier's arg-max classes are spread: the histogram, how many classes get at least
/// 2 % of the images ("covered"; a mode-collapsed GAN covers few), and KL(histogram ‖ uniform) in
/// nats — 0 for perfectly even classes, log k when everything is one class.
/// </summary>
public sealed record ClassHistogram(int[] Counts, int Covered, double KlToUniform)
{
    public const double CoveredFraction = 0.02;

    public static ClassHistogram Of(double[] probs, int n, int k)
    {
        var counts = new int[k];
        for (int i = 0; i < n; i++) counts[ClassifierTraining.ArgMax(probs.AsSpan(i * k, k))]++;
        return FromCounts(counts);
    }

    public static ClassHistogram FromCounts(int[] counts)
    {
        int n = counts.Sum(), k = counts.Length;
        if (n == 0) throw new ArgumentException("class histogram of no images");
        int covered = counts.Count(c => c >= CoveredFraction * n);
        double kl = counts.Where(c => c > 0).Sum(c => (double)c / n * Math.Log((double)c / n * k));
        return new ClassHistogram(counts, covered, kl);
    }
}
