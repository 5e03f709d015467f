using System.Numerics;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 4, optimizers: Adam's update against the paper's formulas, written out in doubles. A parameter
/// of one element takes the scalar rule (4.1); one that fills whole SIMD vectors takes the Vector rule (4.2).
/// </summary>
public class Module4Tests
{
    const double Lr = 0.1, Beta1 = 0.8, Beta2 = 0.99, Eps = 1e-8;

    /// <summary>Three steps of Adam on ½‖p − c‖² (gradient p − c), by Kingma and Ba's Algorithm 1.</summary>
    static double[] Expected(double[] start, double[] c)
    {
        double[] p = (double[])start.Clone(), m = new double[p.Length], v = new double[p.Length];
        for (int t = 1; t <= 3; t++)
            for (int i = 0; i < p.Length; i++)
            {
                double g = p[i] - c[i];
                m[i] = Beta1 * m[i] + (1 - Beta1) * g;
                v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(Beta1, t)), vHat = v[i] / (1 - Math.Pow(Beta2, t));
                p[i] -= Lr * mHat / (Math.Sqrt(vHat) + Eps);
            }
        return p;
    }

    static double[] Adam(double[] start, double[] c, DType dtype)
    {
        var p = new T(NDArray.From(start, [start.Length], dtype), requiresGrad: true);
        var target = new T(NDArray.From(c, [c.Length], dtype));
        var opt = new Adam([p], Lr, Beta1, Beta2, Eps);
        for (int t = 0; t < 3; t++)
        {
            opt.ZeroGrad();
            ((p - target).Pow(2).Sum() * 0.5).Backward();
            opt.Step();
        }
        return p.ToDoubles();
    }

    [Theory, Trait("Task", "4.1")]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Adam_scalar_step_matches_the_paper(DType dtype)
    {
        double[] start = [1.5], c = [-0.25];
        Check.Close(Expected(start, c), Adam(start, c, dtype), dtype == DType.Float64 ? 1e-12 : 1e-5, 1e-7, "adam, one element");
    }

    [Theory, Trait("Task", "4.2")]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Adam_vector_step_matches_the_paper(DType dtype)
    {
        int n = 4 * (dtype == DType.Float64 ? Vector<double>.Count : Vector<float>.Count);   // whole vectors: no scalar tail
        var start = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1) * 2).ToArray();
        var c = Enumerable.Range(0, n).Select(i => Math.Cos(3 * i)).ToArray();
        Check.Close(Expected(start, c), Adam(start, c, dtype), dtype == DType.Float64 ? 1e-12 : 1e-5, 1e-7, "adam, whole vectors");
    }
}
