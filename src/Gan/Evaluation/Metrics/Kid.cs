using Scratch.Tensors;

namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// Kernel inception distance (Bińkowski et al. 2018) in the classifier's features: the unbiased
/// estimate of MMD² with the cubic polynomial kernel k(x, y) = (x·y/d + 1)³, computed on random
/// subsets of m samples from each set and reported as mean ± standard deviation over subsets.
/// Unlike the Fréchet distance it has no bias in the sample size: for two samples of one
/// distribution its expectation is exactly 0, so single estimates can be slightly negative.
/// </summary>
public static class Kid
{
    public sealed record Result(double Mean, double Std, int Subsets, int SubsetSize);

    public static Result Compute(double[] x, int nx, double[] y, int ny, int d, int subsets = 100, int subsetSize = 1000, ulong seed = 0)
    {
        int m = Math.Min(subsetSize, Math.Min(nx, ny));
        if (m < 2) throw new ArgumentException($"KID: needs at least 2 samples per set, got {nx} and {ny}");
        var rng = new RandomStream(seed);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            var xs = Subset(x, rng.Permutation(nx), m, d);
            var ys = Subset(y, rng.Permutation(ny), m, d);
            values[s] = UnbiasedMmd2(xs, ys, m, d);
        }
        double mean = values.Average();
        double std = subsets > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (subsets - 1)) : 0;
        return new Result(mean, std, subsets, m);
    }

    static float[] Subset(double[] v, int[] order, int m, int d)
    {
        var r = new float[m * d];
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) r[i * d + j] = (float)v[order[i] * d + j];
        return r;
    }

    /// <summary>(Σ_{i≠j} k(xᵢ,xⱼ) + Σ_{i≠j} k(yᵢ,yⱼ)) / (m(m−1)) − 2·Σ_{i,j} k(xᵢ,yⱼ) / m².</summary>
    public static double UnbiasedMmd2(float[] x, float[] y, int m, int d)
    {
        double SumK(float[] a, float[] b, bool skipDiagonal)
        {
            double total = 0;
            Gram.Blocks(a, m, b, m, d, (at, rows, dots) =>
            {
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < m; j++)
                    {
                        if (skipDiagonal && at + r == j) continue;
                        double k = dots[r * m + j] / (double)d + 1;
                        total += k * k * k;
                    }
            });
            return total;
        }
        return (SumK(x, x, true) + SumK(y, y, true)) / (m * (m - 1.0)) - 2 * SumK(x, y, false) / ((double)m * m);
    }
}
