namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019), k = 3, in the classifier's features.
/// Each set's manifold is the union of balls around its points, each reaching that point's k-th
/// nearest neighbour in the same set. Precision: the fraction of generated samples inside the real
/// manifold (are they realistic?). Recall: the fraction of real samples inside the generated
/// manifold (is the variety covered?). A mode-collapsed generator has high precision, low recall.
/// </summary>
public static class PrecisionRecall
{
    public sealed record Result(double Precision, double Recall, int K);

    public static Result Compute(double[] real, int nr, double[] fake, int nf, int d, int k = 3)
    {
        if (nr <= k || nf <= k) throw new ArgumentException($"precision/recall: needs more than k = {k} samples per set, got {nr} and {nf}");
        var (r, f) = (Gram.ToFloat(real), Gram.ToFloat(fake));
        var (rn, fn) = (Gram.SquaredNorms(r, nr, d), Gram.SquaredNorms(f, nf, d));
        var realRadius = KthNeighbour(r, rn, nr, d, k);
        var fakeRadius = KthNeighbour(f, fn, nf, d, k);
        return new Result(Inside(f, fn, nf, r, rn, nr, realRadius, d), Inside(r, rn, nr, f, fn, nf, fakeRadius, d), k);
    }

    /// <summary>Squared distance from each point to its k-th nearest other point of the same set.</summary>
    static double[] KthNeighbour(float[] x, double[] norms, int n, int d, int k)
    {
        var radius = new double[n];
        Gram.Blocks(x, n, x, n, d, (at, rows, dots) =>
        {
            Span<double> best = stackalloc double[k];
            for (int r = 0; r < rows; r++)
            {
                int i = at + r;
                best.Fill(double.PositiveInfinity);
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double d2 = Math.Max(0, norms[i] + norms[j] - 2.0 * dots[r * n + j]);
                    if (d2 >= best[k - 1]) continue;
                    int p = k - 1;   // insert into the sorted k smallest
                    while (p > 0 && best[p - 1] > d2) { best[p] = best[p - 1]; p--; }
                    best[p] = d2;
                }
                radius[i] = best[k - 1];
            }
        });
        return radius;
    }

    /// <summary>Fraction of the query points that lie within some manifold point's radius.</summary>
    static double Inside(float[] q, double[] qn, int nq, float[] m, double[] mn, int nm, double[] radius, int d)
    {
        int inside = 0;
        Gram.Blocks(q, nq, m, nm, d, (at, rows, dots) =>
        {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < nm; j++)
                    if (Math.Max(0, qn[at + r] + mn[j] - 2.0 * dots[r * nm + j]) <= radius[j]) { inside++; break; }
        });
        return inside / (double)nq;
    }
}
