using Scratch.Autograd;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 2, tensor autograd: the tasks' tests. Each backward is checked by <see cref="GradCheck"/> against
/// finite differences, first and second order (a backward written with Tensor ops is itself differentiable);
/// a failure's message is GradCheck's report: the input, the Jacobian rows where the two disagree.
/// </summary>
public class Module2Tests
{
    static T Input(int seed, int[] shape, double low = -2, double high = 2) =>
        new(NDArray.Uniform(shape, low, high, DType.Float64, g: new RandomStream((ulong)seed)), requiresGrad: true);

    [Fact, Trait("Task", "2.1")]
    public void Tanh_backward_passes_gradcheck() => GradCheck.Assert(xs => xs[0].Tanh(), Input(1, [3, 4]));

    [Fact, Trait("Task", "2.1")]
    public void Tanh_backward_passes_gradgradcheck() => GradCheck.AssertSecondOrder(xs => xs[0].Tanh(), Input(2, [5]));

    [Fact, Trait("Task", "2.2")]
    public void Sigmoid_backward_passes_gradcheck() => GradCheck.Assert(xs => xs[0].Sigmoid(), Input(3, [3, 4], -5, 5));

    [Fact, Trait("Task", "2.2")]
    public void Sigmoid_backward_passes_gradgradcheck() => GradCheck.AssertSecondOrder(xs => xs[0].Sigmoid(), Input(4, [5]));

    [Fact, Trait("Task", "2.3")]
    public void Division_passes_gradcheck_for_both_inputs_with_broadcasting()
    {
        var b = new T(Input(6, [4], 0.5, 2).Data * Input(7, [4]).Data.Sign(), requiresGrad: true);   // |b| ≥ 0.5: away from the pole
        GradCheck.Assert(xs => xs[0] / xs[1], Input(5, [3, 4]), b);
    }

    [Fact, Trait("Task", "2.3")]
    public void Division_computes_a_over_b_and_passes_gradgradcheck()
    {
        var a = T.From([1.0, -3.0, 4.5], [3], DType.Float64, requiresGrad: true);
        var b = T.From([2.0, 0.5, -1.5], [3], DType.Float64, requiresGrad: true);
        Assert.Equal([0.5, -6.0, -3.0], (a / b).ToDoubles());
        GradCheck.AssertSecondOrder(xs => xs[0] / xs[1], a, b);
    }

    [Fact, Trait("Task", "2.4")]
    public void Matmul_backward_passes_gradcheck_for_both_inputs()
    {
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), Input(8, [3, 4]), Input(9, [4, 2]));
        // A batch of matrices times one shared matrix: the shared side's gradient sums over the batch.
        GradCheck.Assert(xs => xs[0].MatMul(xs[1]), Input(10, [2, 3, 4]), Input(11, [4, 2]));
    }

    [Fact, Trait("Task", "2.4")]
    public void Matmul_backward_passes_gradgradcheck() =>
        GradCheck.AssertSecondOrder(xs => xs[0].MatMul(xs[1]), Input(12, [2, 3]), Input(13, [3, 2]));
}
