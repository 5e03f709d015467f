using MathNet.Numerics.LinearAlgebra;

namespace Scratch.Gan.Evaluation.Metrics;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature sets (FID's formula, here in the
/// classifier's features): |μ₁ − μ₂|² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁Σ₂)^½). Everything in double.
/// tr((Σ₁Σ₂)^½) is computed as tr((Σ₁^½ Σ₂ Σ₁^½)^½): the same eigenvalues, but the matrix is
/// symmetric, so MathNet's symmetric eigen-decomposition applies and no complex roots appear from
/// round-off (scipy's sqrtm on the product can return tiny imaginary parts that FID code then drops).
/// </summary>
public static class FrechetDistance
{
    public sealed record Gaussian(Vector<double> Mean, Matrix<double> Cov);

    /// <summary>Mean and covariance (denominator n − 1, as numpy.cov) of n rows of d features.</summary>
    public static Gaussian Fit(double[] rows, int n, int d)
    {
        if (n < 2) throw new ArgumentException($"Fréchet distance: needs at least 2 samples, got {n}");
        var x = Matrix<double>.Build.Dense(n, d, (i, j) => rows[i * d + j]);
        var mean = x.ColumnSums() / n;
        var centred = x - Matrix<double>.Build.Dense(n, d, (_, j) => mean[j]);
        var cov = centred.TransposeThisAndMultiply(centred) / (n - 1);
        return new Gaussian(mean, cov);
    }

    // TASK 7.2: |μ₁−μ₂|² + tr Σ₁ + tr Σ₂ − 2·tr((Σ₁^½ Σ₂ Σ₁^½)^½), the last trace the sum of √λ (λ < 0 is round-off)
    public static double Compute(Gaussian a, Gaussian b)
    {
        if (a.Mean.Count != b.Mean.Count) throw new ArgumentException($"Fréchet distance: {a.Mean.Count} vs {b.Mean.Count} features");
        var diff = a.Mean - b.Mean;
        var rootA = SqrtPsd(a.Cov);
        var inner = rootA * b.Cov * rootA;
        inner = (inner + inner.Transpose()) / 2;   // symmetric up to round-off; make it exactly so
        double trRoot = inner.Evd(Symmetricity.Symmetric).EigenValues.Sum(l => Math.Sqrt(Math.Max(l.Real, 0)));
        return diff.DotProduct(diff) + a.Cov.Trace() + b.Cov.Trace() - 2 * trRoot;
    }

    public static double Compute(double[] a, int na, double[] b, int nb, int d) => Compute(Fit(a, na, d), Fit(b, nb, d));

    /// <summary>The symmetric square root of a covariance: V·diag(√max(λ, 0))·Vᵀ (negative λ are round-off).</summary>
    // TASK 7.3: the symmetric square root V·diag(√max(λ, 0))·Vᵀ from the symmetric eigen-decomposition of (m + mᵀ)/2
    public static Matrix<double> SqrtPsd(Matrix<double> m)
    {
        var evd = ((m + m.Transpose()) / 2).Evd(Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        var roots = Vector<double>.Build.Dense(evd.EigenValues.Count, i => Math.Sqrt(Math.Max(evd.EigenValues[i].Real, 0)));
        return v * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * v.Transpose();
    }
}
