using System.Numerics;
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 4, layers and optimizers: Adam's update against the paper's formulas, written out in doubles. A
/// parameter of one element takes the scalar rule (4.1); one that fills whole SIMD vectors takes the Vector
/// rule (4.2). Convolution's backward (4.3) and batch norm's (4.4) against finite differences (GradCheck).
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

    static T Input(int seed, int[] shape, double low = -1, double high = 1) =>
        new(NDArray.Uniform(shape, low, high, DType.Float64, g: new RandomStream((ulong)seed)), requiresGrad: true);

    [Fact, Trait("Task", "4.3")]
    public void Conv2d_backward_passes_gradcheck_for_input_weight_and_bias()
    {
        // Stride 2 and padding 1 on a 5×5 image: windows overlap, some read the padding, and the stride does not divide the size.
        GradCheck.Assert(xs => xs[0].Conv2d(xs[1], xs[2], stride: 2, padding: 1), Input(1, [2, 2, 5, 5]), Input(2, [3, 2, 3, 3]), Input(3, [3]));
        GradCheck.Assert(xs => xs[0].Conv2d(xs[1]), Input(4, [1, 1, 4, 4]), Input(5, [2, 1, 2, 2]));
    }

    /// <summary>Batch norm in train mode, fresh running statistics each call (the forward updates them in place).</summary>
    static T BatchNorm(T x, T? weight, T? bias)
    {
        int c = x.Shape[1];
        return x.BatchNorm(weight, bias, NDArray.Zeros([c], DType.Float64), NDArray.Ones([c], DType.Float64), momentum: 0.1, eps: 1e-5);
    }

    [Fact, Trait("Task", "4.4")]
    public void BatchNorm_backward_passes_gradcheck_with_and_without_affine()
    {
        GradCheck.Assert(xs => BatchNorm(xs[0], xs[1], xs[2]), Input(6, [4, 3], -2, 2), Input(7, [3], 0.5, 1.5), Input(8, [3]));
        GradCheck.Assert(xs => BatchNorm(xs[0], null, null), Input(9, [2, 2, 3, 3], -2, 2));
    }

    [Fact, Trait("Task", "4.4")]
    public void BatchNorm_input_gradient_sums_to_zero_per_channel()
    {
        // Shifting one channel of x by a constant leaves its x̂ unchanged, so the loss cannot change: Σ dx over a channel is 0.
        var x = Input(10, [5, 2], -2, 2);
        var gamma = Input(11, [2], 0.5, 1.5);
        var loss = (BatchNorm(x, gamma, Input(12, [2])) * new T(NDArray.Uniform([5, 2], -1, 1, DType.Float64, g: new RandomStream(13)))).Sum();
        loss.Backward();
        var dx = x.Grad!.ToDoubles();
        for (int c = 0; c < 2; c++)
            Assert.True(Math.Abs(Enumerable.Range(0, 5).Sum(i => dx[i * 2 + c])) < 1e-12, $"Σ dx over channel {c} is not 0");
        Assert.True(dx.Any(v => Math.Abs(v) > 1e-3), "dx is zero everywhere");
    }
}
