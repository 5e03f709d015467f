using MathNet.Numerics.LinearAlgebra;
using Scratch.Gan.Evaluation.Metrics;
using Xunit;

namespace Scratch.Tests.Course;

/// <summary>Module 7, evaluation: the Inception score and the Fréchet distance on cases whose values are known in closed form.</summary>
public class Module7Tests
{
    [Fact, Trait("Task", "7.1")]
    public void Inception_score_is_k_for_confident_even_classes_and_1_for_one_class_or_no_confidence()
    {
        int n = 30, k = 3;
        var even = new double[n * k];
        for (int i = 0; i < n; i++) even[i * k + i % k] = 1;   // each image sure of its class, classes used evenly
        Assert.Equal(k, InceptionScore.Compute(even, n, k), 9);
        var oneClass = new double[n * k];
        for (int i = 0; i < n; i++) oneClass[i * k] = 1;
        Assert.Equal(1, InceptionScore.Compute(oneClass, n, k), 9);
        Assert.Equal(1, InceptionScore.Compute([.. Enumerable.Repeat(1.0 / k, n * k)], n, k), 9);
    }

    [Fact, Trait("Task", "7.1")]
    public void Inception_score_of_two_images_by_hand()
    {
        // Rows (1, 0) and (½, ½): p(y) = (¾, ¼). KL₁ = log(4/3); KL₂ = ½·log(⅔) + ½·log 2.
        double expected = Math.Exp((Math.Log(4.0 / 3) + 0.5 * Math.Log(2.0 / 3) + 0.5 * Math.Log(2)) / 2);
        Assert.Equal(expected, InceptionScore.Compute([1, 0, 0.5, 0.5], 2, 2), 12);
    }

    static FrechetDistance.Gaussian Diagonal(double[] mean, double[] variances) =>
        new(Vector<double>.Build.DenseOfArray(mean), Matrix<double>.Build.DiagonalOfDiagonalArray(variances));

    [Fact, Trait("Task", "7.2")]
    public void Frechet_distance_of_diagonal_gaussians_is_the_mean_gap_plus_the_root_variance_gaps()
    {
        // Commuting covariances: tr((Σ₁Σ₂)^½) = Σ √(aᵢbᵢ), so FD = |μ₁ − μ₂|² + Σ (√aᵢ − √bᵢ)².
        var a = Diagonal([0, 1, -1], [1, 4, 9]);
        var b = Diagonal([1, 1, 1], [4, 1, 0.25]);
        double expected = (1 + 0 + 4) + (1 - 2) * (1 - 2) + (2 - 1) * (2 - 1) + (3 - 0.5) * (3 - 0.5);
        Assert.Equal(expected, FrechetDistance.Compute(a, b), 9);
        Assert.Equal(0, FrechetDistance.Compute(a, a), 9);
    }

    [Fact, Trait("Task", "7.2")]
    public void Frechet_distance_is_symmetric_for_full_covariances()
    {
        var rng = new Random(3);
        Matrix<double> Psd() { var m = Matrix<double>.Build.Dense(4, 4, (_, _) => rng.NextDouble() - 0.5); return m * m.Transpose(); }
        var a = new FrechetDistance.Gaussian(Vector<double>.Build.Dense(4, i => i), Psd());
        var b = new FrechetDistance.Gaussian(Vector<double>.Build.Dense(4, i => -i), Psd());
        Assert.Equal(FrechetDistance.Compute(a, b), FrechetDistance.Compute(b, a), 9);
        Assert.True(FrechetDistance.Compute(a, b) > 4 * 14 - 1e-9);   // at least the mean gap |μ₁ − μ₂|² = 56
    }

    [Fact, Trait("Task", "7.3")]
    public void Square_root_of_a_covariance_squares_back_and_is_symmetric()
    {
        var rng = new Random(5);
        var m = Matrix<double>.Build.Dense(5, 3, (_, _) => rng.NextDouble() - 0.5);
        var cov = m * m.Transpose();   // 5×5 of rank 3: two eigenvalues are 0 up to round-off
        var root = FrechetDistance.SqrtPsd(cov);
        Assert.True((root * root - cov).FrobeniusNorm() < 1e-10, "√Σ·√Σ ≠ Σ");
        Assert.True((root - root.Transpose()).FrobeniusNorm() < 1e-12, "√Σ is not symmetric");
        Assert.All(root.Evd(Symmetricity.Symmetric).EigenValues, l => Assert.True(l.Real > -1e-9, $"√Σ has eigenvalue {l.Real}"));
        Assert.Equal(Matrix<double>.Build.DiagonalOfDiagonalArray([1, 2, 3]),
            FrechetDistance.SqrtPsd(Matrix<double>.Build.DiagonalOfDiagonalArray([1, 4, 9])));
    }
}
