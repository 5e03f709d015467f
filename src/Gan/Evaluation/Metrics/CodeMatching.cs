namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// InfoGAN's categorical code is unsupervised: code 3 may draw sevens. Its accuracy is the best
/// one-to-one assignment of codes to classes, found by the Hungarian algorithm on the confusion
/// counts (code × predicted class), and the fraction of samples the assignment gets right.
/// </summary>
public static class CodeMatching
{
    /// <summary>The matched accuracy, the class each code is matched to, and the counts it was matched on ([code][class]).</summary>
    public sealed record Result(double Accuracy, int[] ClassOfCode, int[][] Confusion);

    /// <summary>confusion[code, cls] = how many samples drawn with that code were classified as that class.</summary>
    public static Result Match(int[,] confusion)
    {
        int n = confusion.GetLength(0);
        if (confusion.GetLength(1) != n) throw new ArgumentException("code matching: the confusion matrix must be square");
        long max = 0;
        foreach (var c in confusion) max = Math.Max(max, c);
        var cost = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) cost[i, j] = max - confusion[i, j];   // maximise matches = minimise this
        var assign = Hungarian(cost);
        long total = 0, right = 0;
        for (int i = 0; i < n; i++) { right += confusion[i, assign[i]]; for (int j = 0; j < n; j++) total += confusion[i, j]; }
        var rows = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => confusion[i, j]).ToArray()).ToArray();
        return new Result(total == 0 ? double.NaN : right / (double)total, assign, rows);
    }

    /// <summary>
    /// The same matching from pairs: codes[i] is the code given to sample i (by a generator's input, or
    /// by Q's arg-max on a real digit), classes[i] its class (the classifier's verdict, or the true label).
    /// </summary>
    public static Result Match(ReadOnlySpan<int> codes, ReadOnlySpan<int> classes, int k)
    {
        if (codes.Length != classes.Length) throw new ArgumentException($"code matching: {codes.Length} codes for {classes.Length} classes");
        var confusion = new int[k, k];
        for (int i = 0; i < codes.Length; i++) confusion[codes[i], classes[i]]++;
        return Match(confusion);
    }

    /// <summary>
    /// Minimum-cost perfect matching of a square cost matrix (Kuhn–Munkres with potentials, O(n³)):
    /// returns the column assigned to each row.
    /// </summary>
    public static int[] Hungarian(double[,] cost)
    {
        int n = cost.GetLength(0);
        var u = new double[n + 1]; var v = new double[n + 1];
        var p = new int[n + 1];    // p[col] = row matched to col (1-based; 0 = none)
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double cur = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= n; j++)
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                j0 = j1;
            } while (p[j0] != 0);
            do { int j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0 != 0);
        }
        var rowToCol = new int[n];
        for (int j = 1; j <= n; j++) rowToCol[p[j] - 1] = j - 1;
        return rowToCol;
    }
}
