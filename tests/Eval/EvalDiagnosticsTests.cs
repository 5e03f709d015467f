using Scratch.Gan.Training;
using Xunit;

namespace Scratch.Tests.Eval;

/// <summary>The training diagnostics, driven by crafted loss sequences.</summary>
public class EvalDiagnosticsTests
{
    static List<Warning> Feed(Diagnostics d, IEnumerable<(double D, double G)> losses)
    {
        var all = new List<Warning>();
        long i = 0;
        foreach (var (dl, gl) in losses) all.AddRange(d.Observe(++i, dl, gl));
        return all;
    }

    static IEnumerable<(double, double)> Repeat(double d, double g, int n) => Enumerable.Repeat((d, g), n);

    [Fact]
    public void Healthy_losses_raise_nothing()
    {
        var rng = new Random(1);
        var w = Feed(new Diagnostics(true), Enumerable.Range(0, 2000).Select(_ => (0.5 + rng.NextDouble(), 0.7 + rng.NextDouble())));
        Assert.Empty(w);
    }

    [Fact]
    public void Runs_are_counted_in_iterations_when_only_every_tenth_is_observed()
    {
        // On a GPU the trainer observes iterations 10, 20, …: D winning from 10 on is 200 iterations long at 210.
        var d = new Diagnostics(true);
        var w = Enumerable.Range(1, 30).SelectMany(k => d.Observe(10 * k, 1e-5, 3.0)).Where(x => x.Kind == "d-too-strong").ToList();
        Assert.Equal(210, Assert.Single(w).Iteration);
    }

    [Fact]
    public void A_discriminator_that_wins_for_200_iterations_is_reported_once_at_the_200th()
    {
        // 150 tiny iterations, one normal one (resets the run), then 300 tiny ones: the run of 200 ends at 151 + 200.
        var w = Feed(new Diagnostics(true), [.. Repeat(1e-4, 2.0, 150), (0.3, 1.0), .. Repeat(1e-4, 2.0, 300)]);
        var strong = Assert.Single(w);
        Assert.Equal(("d-too-strong", 351L), (strong.Kind, strong.Iteration));
        Assert.Contains("hint", strong.ToString());
        Assert.DoesNotContain('\n', strong.ToString());
    }

    [Fact]
    public void A_critic_loss_below_zero_is_not_mistaken_for_a_winning_discriminator()
    {
        Assert.Empty(Feed(new Diagnostics(false), Repeat(-3.0, 2.0, 500)));   // WGAN: negative critic losses are normal
    }

    [Fact]
    public void Divergence_is_reported_in_either_direction()
    {
        var gWins = Feed(new Diagnostics(true), [.. Repeat(0.7, 0.7, 10), .. Repeat(8.0, 1e-5, 120)]);
        var w = Assert.Single(gWins);
        Assert.Equal(("divergence", 110L), (w.Kind, w.Iteration));
        Assert.Contains("G loss ≈ 0", w.Message);

        var dWins = Feed(new Diagnostics(true), Repeat(1e-5, 12.0, 250));
        Assert.Equal(["divergence", "d-too-strong"], dWins.Select(x => x.Kind));
        Assert.Contains("D loss ≈ 0", dWins[0].Message);
    }

    [Fact]
    public void Non_finite_losses_are_reported_once_and_nan_g_on_critic_only_iterations_is_not()
    {
        Assert.Empty(Feed(new Diagnostics(false), Repeat(0.5, double.NaN, 50)));   // no G step yet: G is NaN by design
        var w = Feed(new Diagnostics(true), [(0.5, 0.5), (double.PositiveInfinity, 0.5), (double.NaN, 0.5)]);
        Assert.Equal(("non-finite", 2L), (Assert.Single(w).Kind, w[0].Iteration));
    }

    [Fact]
    public void Collapse_is_reported_for_few_classes_or_an_uneven_histogram()
    {
        var d = new Diagnostics(true);
        Assert.Empty(d.ObserveEval(100, 10, 0.02));
        Assert.Equal("collapse", Assert.Single(d.ObserveEval(200, 3, 0.3)).Kind);
        Assert.Empty(d.ObserveEval(300, 2, 1.5));   // once only
        Assert.Single(new Diagnostics(true).ObserveEval(5, 8, 0.6));   // 8 classes covered, but very unevenly
    }
}
