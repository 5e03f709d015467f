using MathNet.Numerics.LinearAlgebra;
using Scratch.Gan.Evaluation;
using Scratch.Gan.Evaluation.Metrics;
using Xunit;

namespace Scratch.Tests.Eval;

/// <summary>Each metric against a case whose answer is known in closed form.</summary>
public class EvalMetricsTests
{
    static double[] Gaussian(Random rng, int n, int d, double[]? mean = null, double scale = 1)
    {
        var v = new double[n * d];
        for (int i = 0; i < n * d; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) + (mean?[i % d] ?? 0);
        }
        return v;
    }

    [Fact]
    public void Frechet_distance_of_identical_gaussians_is_zero()
    {
        var x = Gaussian(new Random(1), 500, 16);
        var g = FrechetDistance.Fit(x, 500, 16);
        Assert.InRange(FrechetDistance.Compute(g, g), -1e-9, 1e-9);
        Assert.InRange(FrechetDistance.Compute(x, 500, x, 500, 16), -1e-9, 1e-9);
    }

    [Fact]
    public void Frechet_distance_matches_closed_forms()
    {
        // N(0, I) vs N(μ, I): the covariance terms cancel and FD = |μ|².
        var mu = Vector<double>.Build.Dense([1.0, -2.0, 0.5]);
        var eye = Matrix<double>.Build.DenseIdentity(3);
        Assert.Equal(mu.DotProduct(mu), FrechetDistance.Compute(new(Vector<double>.Build.Dense(3), eye), new(mu, eye)), 9);
        // Diagonal covariances: FD = |Δμ|² + Σ (σ₁ − σ₂)², which exercises the matrix square root.
        var s1 = Matrix<double>.Build.DenseOfDiagonalArray([4.0, 1.0, 9.0]);
        var s2 = Matrix<double>.Build.DenseOfDiagonalArray([1.0, 1.0, 0.25]);
        Assert.Equal(5.25 + 1 + 0 + 6.25, FrechetDistance.Compute(new(Vector<double>.Build.Dense(3), s1), new(mu, s2)), 9);
        // From samples: 20,000 draws of N(0, I) and N(μ, I) in 3-D land near |μ|² = 5.25.
        var rng = new Random(2);
        double fd = FrechetDistance.Compute(Gaussian(rng, 20000, 3), 20000, Gaussian(rng, 20000, 3, mu.ToArray()), 20000, 3);
        Assert.InRange(fd, 5.25 - 0.1, 5.25 + 0.1);
    }

    [Fact]
    public void Inception_score_is_the_class_count_for_even_confident_classes_and_one_for_a_constant()
    {
        const int k = 10, n = 200;
        var even = new double[n * k];
        for (int i = 0; i < n; i++) even[i * k + i % k] = 1;
        Assert.Equal(k, InceptionScore.Compute(even, n, k), 9);
        var constant = new double[n * k];
        for (int i = 0; i < n; i++) constant[i * k + 3] = 1;
        Assert.Equal(1, InceptionScore.Compute(constant, n, k), 9);
        var unsure = Enumerable.Repeat(1.0 / k, n * k).ToArray();   // uniform softmax: no confidence, IS = 1
        Assert.Equal(1, InceptionScore.Compute(unsure, n, k), 9);

        var hEven = ClassHistogram.Of(even, n, k);
        Assert.Equal((10, 0.0), (hEven.Covered, Math.Round(hEven.KlToUniform, 12)));
        var hOne = ClassHistogram.Of(constant, n, k);
        Assert.Equal(1, hOne.Covered);
        Assert.Equal(Math.Log(k), hOne.KlToUniform, 12);
    }

    [Fact]
    public void Kid_is_unbiased_near_zero_for_one_distribution_and_positive_for_two()
    {
        var rng = new Random(3);
        const int d = 8, m = 40, draws = 60;
        // Many independent small estimates: their mean sits at 0 within its standard error.
        var est = Enumerable.Range(0, draws).Select(_ =>
            Kid.UnbiasedMmd2(Gram.ToFloat(Gaussian(rng, m, d)), Gram.ToFloat(Gaussian(rng, m, d)), m, d)).ToArray();
        double mean = est.Average(), se = Math.Sqrt(est.Sum(e => (e - mean) * (e - mean)) / (draws - 1) / draws);
        Assert.True(Math.Abs(mean) < 4 * se, $"mean {mean:E3}, standard error {se:E3}");
        Assert.Contains(est, e => e < 0);   // unbiased: single estimates fall on both sides of 0

        var same = Kid.Compute(Gaussian(rng, 400, d), 400, Gaussian(rng, 400, d), 400, d, subsets: 10, subsetSize: 200);
        var shifted = Kid.Compute(Gaussian(rng, 400, d), 400, Gaussian(rng, 400, d, Enumerable.Repeat(1.0, d).ToArray()), 400, d, subsets: 10,
            subsetSize: 200);
        Assert.True(Math.Abs(same.Mean) < 3 * same.Std + 1e-3, $"same: {same}");
        Assert.True(shifted.Mean > 10 * Math.Abs(same.Mean) && shifted.Mean > 3 * shifted.Std, $"same {same}, shifted {shifted}");
    }

    [Fact]
    public void Precision_and_recall_are_one_for_identical_sets_and_zero_for_distant_ones()
    {
        var x = Gaussian(new Random(4), 300, 8);
        var same = PrecisionRecall.Compute(x, 300, x, 300, 8);
        Assert.Equal((1.0, 1.0, 3), (same.Precision, same.Recall, same.K));
        var far = Gaussian(new Random(5), 300, 8, Enumerable.Repeat(50.0, 8).ToArray());
        var apart = PrecisionRecall.Compute(x, 300, far, 300, 8);
        Assert.Equal((0.0, 0.0), (apart.Precision, apart.Recall));
        // A collapsed generator (all samples in a small part of the real cloud): realistic but not varied.
        var collapsed = Gaussian(new Random(6), 300, 8, scale: 0.1);
        var pr = PrecisionRecall.Compute(x, 300, collapsed, 300, 8);
        Assert.True(pr.Precision > 0.9 && pr.Recall < 0.2, $"{pr}");
    }

    [Fact]
    public void Code_matching_recovers_a_permuted_code()
    {
        var perm = new[] { 3, 7, 0, 9, 1, 5, 2, 8, 6, 4 };   // code i draws digit perm[i]
        var rng = new Random(7);
        var confusion = new int[10, 10];
        for (int code = 0; code < 10; code++)
            for (int s = 0; s < 100; s++)
                confusion[code, s < 90 ? perm[code] : rng.Next(10)]++;   // 90 % on the right digit, the rest anywhere
        var r = CodeMatching.Match(confusion);
        Assert.Equal(perm, r.ClassOfCode);
        int right = Enumerable.Range(0, 10).Sum(c => confusion[c, perm[c]]);
        Assert.Equal(right / 1000.0, r.Accuracy, 12);
    }

    [Fact]
    public void Q_on_real_digits_matches_each_category_to_a_label_from_pairs()
    {
        // Planted: Q names category perm[label] for each digit, except every 10th, which it puts one category on.
        var perm = new[] { 7, 2, 9, 0, 4, 1, 8, 3, 6, 5 };
        var labels = Enumerable.Range(0, 2000).Select(i => (i * 7 + i / 13) % 10).ToArray();
        var codes = labels.Select((l, i) => i % 10 == 0 ? (perm[l] + 1) % 10 : perm[l]).ToArray();
        var r = CodeMatching.Match(codes, labels, 10);
        Assert.Equal(0.9, r.Accuracy, 12);
        Assert.All(Enumerable.Range(0, 10), l => Assert.Equal(l, r.ClassOfCode[perm[l]]));
        Assert.Throws<ArgumentException>(() => CodeMatching.Match(codes, labels.Take(10).ToArray(), 10));
        // The counts it matched on: category perm[l] holds the label-l digits it got right.
        Assert.Equal(2000, r.Confusion.Sum(row => row.Sum()));
        Assert.All(Enumerable.Range(0, 10), l => Assert.Equal(labels.Where((x, i) => x == l && i % 10 != 0).Count(), r.Confusion[perm[l]][l]));
    }

    [Fact]
    public void The_largest_mix_ups_name_real_digits_put_in_another_digits_category_most_first()
    {
        // Three categories matched to digits 0, 1, 2; real 2s in 1's category (7), real 0s in 2's category (3), real 1s in 0's (1).
        int[][] confusion = [[50, 1, 0], [0, 40, 7], [3, 0, 45]];
        Assert.Equal("7 real 2s read as 1, 3 real 0s read as 2, 1 real 1s read as 0", Scratch.Gan.Evaluation.EvalReport.MixUps(confusion, [0, 1, 2]));
        Assert.Equal("", Scratch.Gan.Evaluation.EvalReport.MixUps([[5, 0], [0, 5]], [0, 1]));
    }

    [Fact]
    public void Hungarian_finds_the_same_optimum_as_trying_every_assignment()
    {
        var rng = new Random(8);
        for (int trial = 0; trial < 20; trial++)
        {
            const int n = 6;
            var cost = new double[n, n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) cost[i, j] = rng.Next(20);
            var a = CodeMatching.Hungarian(cost);
            Assert.Equal(n, a.Distinct().Count());
            double best = Permutations(Enumerable.Range(0, n).ToArray()).Min(p => Enumerable.Range(0, n).Sum(i => cost[i, p[i]]));
            Assert.Equal(best, Enumerable.Range(0, n).Sum(i => cost[i, a[i]]));
        }
    }

    [Fact]
    public void Continuous_code_statistics_see_monotonic_changes()
    {
        Assert.Equal(1, ContinuousCodes.Spearman([0.1, 0.5, 0.7, 2, 9]), 12);
        Assert.Equal(-1, ContinuousCodes.Spearman([5, 4, 3, 2, 1]), 12);
        Assert.True(double.IsNaN(ContinuousCodes.Spearman([2, 2, 2])));
        // Bars of growing width: the width statistic grows with them, the height stays.
        var widths = Enumerable.Range(1, 5).Select(half => ContinuousCodes.Moments(Bar(half), 28, 28)).ToArray();
        Assert.Equal(1, ContinuousCodes.Spearman(widths.Select(m => m[1]).ToArray()), 12);
        Assert.All(widths, m => Assert.Equal(widths[0][2], m[2], 9));
        Assert.All(widths, m => Assert.Equal(0, m[3], 9));   // upright: no slant
    }

    static float[] Bar(int half)
    {
        var img = Enumerable.Repeat(-1f, 28 * 28).ToArray();
        for (int y = 4; y < 24; y++) for (int x = 14 - half; x < 14 + half; x++) img[y * 28 + x] = 1;
        return img;
    }

    static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }
    static double[] OneHot(int c, int k = 10) { var p = new double[k]; p[c] = 1; return p; }

    [Fact]
    public void Label_free_clustering_numbers_read_sure_balanced_categories_as_ln_10_and_a_merge_as_a_larger_share()
    {
        // Sure of each image's category, every category used equally: all of ln 10, 10 % in each.
        var balanced = Enumerable.Range(0, 100).Select(i => OneHot(i % 10)).ToArray();
        var (information, share) = Evaluator.LabelFree([.. balanced.SelectMany(r => r)], 100, 10);
        Assert.Equal(Math.Log(10), information, 12);
        Assert.Equal(0.1, share, 12);

        // Two digits merged into category 0 (20 %), category 9 unused: H(Y) = 8 · 0.1 ln 10 + 0.2 ln 5.
        var merged = Enumerable.Range(0, 100).Select(i => OneHot(i % 10 == 9 ? 0 : i % 10)).ToArray();
        (information, share) = Evaluator.LabelFree([.. merged.SelectMany(r => r)], 100, 10);
        Assert.Equal(0.8 * Math.Log(10) + 0.2 * Math.Log(5), information, 12);
        Assert.Equal(0.2, share, 12);

        // Unsure: every image spread evenly over the categories tells nothing about its image.
        var unsure = Enumerable.Range(0, 50).Select(_ => Enumerable.Repeat(0.1, 10).ToArray()).ToArray();
        Assert.Equal(0, Evaluator.LabelFree([.. unsure.SelectMany(r => r)], 50, 10).Information, 12);
    }
}
