using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Gan;

/// <summary>
/// D(x), D(G(z)), the gradient norms and the penalty a step reads, each against the same quantity
/// computed apart from the step: a twin model (same seed, so the same fake batch) scores the batches,
/// and the gradients the step left behind are summed on the host.
/// </summary>
public class StepSignalsTests
{
    [Theory]
    [InlineData(ModelKind.Vanilla, LossKind.NonSaturating)]
    [InlineData(ModelKind.Vanilla, LossKind.LeastSquares)]
    [InlineData(ModelKind.WganGp, LossKind.WassersteinGp)]
    public void A_d_step_reads_the_mean_scores_of_both_batches_and_the_norm_of_the_gradient_it_used(ModelKind model, LossKind loss)
    {
        var c = Zoo.Defaults(model) with { Loss = loss, BatchSize = 4, Seed = 5 };
        var gan = new GanModel(c, Device.Cpu);
        var twin = new GanModel(c, Device.Cpu);
        var real = new T(NDArray.Uniform([4, 1, c.ImageSize, c.ImageSize], -1, 1, device: Device.Cpu, g: new RandomStream(2)));

        var expected = twin.DLoss(real);
        var d = gan.DStep(real);

        bool logits = loss == LossKind.NonSaturating;
        double Mean(T scores) => scores.Data.ToDoubles().Select(s => logits ? 1 / (1 + Math.Exp(-s)) : s).Average();
        Assert.Equal(Mean(expected.RealScores), d.Real, 5);
        Assert.Equal(Mean(expected.FakeScores), d.Fake, 5);
        double squares = gan.D.Parameters().Sum(p => p.Grad!.Data.ToDoubles().Sum(v => v * v));
        Assert.Equal(Math.Sqrt(squares), d.GradNorm, 4);
        if (loss == LossKind.WassersteinGp)
        {
            Assert.Equal(d.Real - d.Fake, d.Wasserstein, 5);   // the critic's estimate is E[D(x)] − E[D(G(z))]
            Assert.Equal(expected.Penalty!.Item(), d.Penalty, 5);
        }
        else Assert.True(double.IsNaN(d.Penalty));
    }

    [Fact]
    public void A_g_step_reads_the_norm_of_gs_gradient()
    {
        var gan = new GanModel(Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 4, Seed = 5 }, Device.Cpu);
        var g = gan.GStep(4);
        double squares = gan.G.Parameters().Sum(p => p.Grad!.Data.ToDoubles().Sum(v => v * v));
        Assert.Equal(Math.Sqrt(squares), g.GradNorm, 4);
        Assert.Null(gan.D.Parameters().First().Grad);   // D was frozen: its gradient is not G's step's
    }
}
