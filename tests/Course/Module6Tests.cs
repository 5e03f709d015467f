using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 6, WGAN-GP by double backward: the gradient penalty's tests. A linear critic D(x) = w·x has
/// ∇ₓD = w wherever x̂ falls, so the penalty is (‖w‖ − 1)² whatever α is drawn, and its gradient in w,
/// which only a graph built with createGraph carries, is 2(‖w‖ − 1)·w/‖w‖.
/// </summary>
public class Module6Tests
{
    internal sealed class LinearCritic(double[] w) : Module
    {
        public readonly T W = new(NDArray.From(w, [w.Length, 1], DType.Float64), requiresGrad: true);
        public override T Forward(T x) => x.Reshape(x.Shape[0], -1).MatMul(W);
    }

    static readonly double[] Unit = [0.5, -0.5, 0.5, 0.5];

    static (T Real, T Fake, RandomStream G) Batch()
    {
        var g = new RandomStream(4);
        return (new T(NDArray.Normal([5, 1, 2, 2], 0, 1, DType.Float64, g: g)), new T(NDArray.Normal([5, 1, 2, 2], 0, 1, DType.Float64, g: g)), g);
    }

    [Fact, Trait("Task", "6.1")]
    public void Penalty_is_zero_for_a_unit_norm_critic_and_the_squared_excess_otherwise()
    {
        var (real, fake, g) = Batch();
        Assert.Equal(0, GanLosses.GradientPenalty(new LinearCritic(Unit), real, fake, g).Item(), 10);
        Assert.Equal(4, GanLosses.GradientPenalty(new LinearCritic([.. Unit.Select(v => v * 3)]), real, fake, g).Item(), 8);   // (3 − 1)²
        Assert.Equal(0.25, GanLosses.GradientPenalty(new LinearCritic([.. Unit.Select(v => v * 0.5)]), real, fake, g).Item(), 8);   // (½ − 1)²
    }

    [Fact, Trait("Task", "6.1")]
    public void Penalty_gradient_reaches_the_critics_weights_through_the_double_backward()
    {
        var (real, fake, g) = Batch();
        var critic = new LinearCritic([.. Unit.Select(v => v * 3)]);
        GanLosses.GradientPenalty(critic, real, fake, g).Backward();
        Assert.NotNull(critic.W.Grad);
        // d/dw (‖w‖ − 1)² = 2(‖w‖ − 1)·w/‖w‖ = 2·2·w/3
        Check.Close(critic.W.ToDoubles().Select(w => 4.0 / 3 * w).ToArray(), critic.W.Grad!.ToDoubles(), 1e-8, 1e-10, "∂GP/∂w");
    }

    [Fact, Trait("Task", "6.1")]
    public void Penalty_leaves_real_and_fake_without_gradients()
    {
        var (real, fake, g) = Batch();
        real = new T(real.Data, requiresGrad: true);
        fake = new T(fake.Data, requiresGrad: true);
        GanLosses.GradientPenalty(new LinearCritic(Unit), real, fake, g).Backward();
        Assert.Null(real.Grad);   // x̂ is built from detached copies: the penalty trains D only
        Assert.Null(fake.Grad);
    }
}
