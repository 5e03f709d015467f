using Scratch.Tensors;

namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// Dot products between two sets of feature rows, a block of rows of the first set at a time, by the
/// framework's float32 GEMM: KID and precision/recall need n² of them (10⁸ at n = 10,000), which
/// would take minutes as plain loops. The kernel values and distances built from them are summed in
/// double; only the products themselves are float32 (relative error ~1e-7 per product).
/// </summary>
public static class Gram
{
    public static float[] ToFloat(double[] v) => Array.ConvertAll(v, x => (float)x);

    /// <summary>Calls visit(firstRow, rows, dots) with dots[r·nb + j] = a[firstRow + r] · b[j].</summary>
    public static void Blocks(float[] a, int na, float[] b, int nb, int d, Action<int, int, float[]> visit, int block = 1024)
    {
        using (MemoryScope.Begin())
        {
            var bt = NDArray.From(b, [nb, d], Device.Cpu).Transpose().Contiguous();
            for (int at = 0; at < na; at += block)
                using (MemoryScope.Begin())
                {
                    int rows = Math.Min(block, na - at);
                    var part = NDArray.From(a.AsSpan(at * d, rows * d).ToArray(), [rows, d], Device.Cpu);
                    visit(at, rows, part.MatMul(bt).ToArray<float>());
                }
        }
    }

    /// <summary>Squared Euclidean norms of each row, in double.</summary>
    public static double[] SquaredNorms(float[] x, int n, int d)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < d; j++) s += (double)x[i * d + j] * x[i * d + j]; r[i] = s; }
        return r;
    }
}
