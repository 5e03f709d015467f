using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;
using Scratch.Toy;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 5, GAN losses and the xy toy: the tasks' tests. The losses are checked against their formulas
/// written out in doubles; the toy's steps against the updates they make on f(x, y) = xy, whose
/// gradient (∂f/∂x, ∂f/∂y) = (y, x) is known by hand.
/// </summary>
public class Module5Tests
{
    static readonly double[] RealScores = [0.3, -1.2, 2.0, 0.05], FakeScores = [-0.5, 0.7, -2.2, 1.1];

    static T Scores(double[] v, bool requiresGrad = false) => T.From(v, [v.Length], DType.Float64, requiresGrad: requiresGrad);

    /// <summary>log(1 + eˣ), computed stably: BCE with logits against 0 is softplus(x), against 1 softplus(−x).</summary>
    static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    [Fact, Trait("Task", "5.1")]
    public void Bce_with_logits_gradient_is_sigmoid_minus_target()
    {
        var x = Scores([-3.0, -0.4, 0, 1.7, 12]);
        x = new T(x.Data, requiresGrad: true);
        var y = Scores([0, 1, 0.5, 0.25, 1]);
        Losses.BceWithLogits(x, y, Reduction.Sum).Backward();
        var expected = x.ToDoubles().Zip(y.ToDoubles(), (xi, yi) => 1 / (1 + Math.Exp(-xi)) - yi).ToArray();
        Check.Close(expected, x.Grad!.ToDoubles(), 1e-12, 1e-14, "∂BCE/∂x");
    }

    [Fact, Trait("Task", "5.1")]
    public void Bce_with_logits_passes_gradcheck_in_both_inputs_and_second_order()
    {
        var x = Scores([-2.5, -0.3, 0.8, 3.1], requiresGrad: true);
        var y = Scores([0.1, 0.9, 0.5, 0.0], requiresGrad: true);
        GradCheck.Assert(xs => Losses.BceWithLogits(xs[0], xs[1]), x, y);
        GradCheck.AssertSecondOrder(xs => Losses.BceWithLogits(xs[0], y), x);
    }

    public static TheoryData<LossKind, double> DLosses()
    {
        double n = RealScores.Length;
        double bce = RealScores.Sum(r => Softplus(-r)) / n + FakeScores.Sum(Softplus) / n;
        double ls = 0.5 * RealScores.Sum(r => (r - 1) * (r - 1)) / n + 0.5 * FakeScores.Sum(f => f * f) / n;
        double w = FakeScores.Average() - RealScores.Average();
        return new() { { LossKind.NonSaturating, bce }, { LossKind.Minimax, bce }, { LossKind.LeastSquares, ls },
            { LossKind.Wasserstein, w }, { LossKind.WassersteinGp, w } };
    }

    [Theory, Trait("Task", "5.2")]
    [MemberData(nameof(DLosses))]
    public void D_loss_is_its_formula(LossKind kind, double expected) =>
        Assert.Equal(expected, GanLosses.D(kind, Scores(RealScores), Scores(FakeScores)).Item(), 12);

    [Fact, Trait("Task", "5.2")]
    public void D_loss_pushes_real_scores_up_and_fake_scores_down()
    {
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            var real = Scores(RealScores, requiresGrad: true);
            var fake = Scores(FakeScores, requiresGrad: true);
            GanLosses.D(kind, real, fake).Backward();
            Assert.All(real.Grad!.ToDoubles().Zip(RealScores),
                p => Assert.True(p.First < 0 || (kind == LossKind.LeastSquares && p.Second >= 1), $"{kind}: real"));
            Assert.All(fake.Grad!.ToDoubles().Zip(FakeScores),
                p => Assert.True(p.First > 0 || (kind == LossKind.LeastSquares && p.Second <= 0), $"{kind}: fake"));
        }
    }

    public static TheoryData<LossKind, double> GLosses()
    {
        double n = FakeScores.Length;
        return new()
        {
            { LossKind.NonSaturating, FakeScores.Sum(f => Softplus(-f)) / n },
            { LossKind.Minimax, -FakeScores.Sum(Softplus) / n },
            { LossKind.LeastSquares, 0.5 * FakeScores.Sum(f => (f - 1) * (f - 1)) / n },
            { LossKind.Wasserstein, -FakeScores.Average() },
            { LossKind.WassersteinGp, -FakeScores.Average() },
        };
    }

    [Theory, Trait("Task", "5.3")]
    [MemberData(nameof(GLosses))]
    public void G_loss_is_its_formula(LossKind kind, double expected) =>
        Assert.Equal(expected, GanLosses.G(kind, Scores(FakeScores)).Item(), 12);

    // The toy on f = xy: ∂f/∂x = y, ∂f/∂y = x.

    [Theory, Trait("Task", "5.4")]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(0.3, -2.0, 0.1)]
    public void Alternating_moves_y_first_then_x_with_the_new_y(double x, double y, double eta)
    {
        double y1 = y + eta * x, x1 = x - eta * y1;
        var next = Methods.Alternating(Game.Bilinear, new Point(x, y), eta);
        Assert.Equal(x1, next.X, 12);
        Assert.Equal(y1, next.Y, 12);
    }

    [Theory, Trait("Task", "5.5")]
    [InlineData(1.0, 1.0, 0.5)]
    [InlineData(-0.4, 2.0, 0.1)]
    public void Extragradient_steps_from_p_with_the_look_aheads_gradient(double x, double y, double eta)
    {
        double hx = x - eta * y, hy = y + eta * x;   // the look-ahead: a simultaneous step
        var next = Methods.Extragradient(Game.Bilinear, new Point(x, y), eta);
        Assert.Equal(x - eta * hy, next.X, 12);
        Assert.Equal(y + eta * hx, next.Y, 12);
    }

    [Theory, Trait("Task", "5.6")]
    [InlineData(1.0, 1.0, 0.8, 0.9, 0.5)]
    [InlineData(-0.4, 2.0, 0.0, 1.5, 0.1)]
    public void Optimistic_steps_with_twice_this_gradient_minus_the_last(double x, double y, double px, double py, double eta)
    {
        var next = Methods.Optimistic(Game.Bilinear, new Point(x, y), new Point(px, py), eta);
        Assert.Equal(x - eta * (2 * y - py), next.X, 12);
        Assert.Equal(y + eta * (2 * x - px), next.Y, 12);
    }
}
