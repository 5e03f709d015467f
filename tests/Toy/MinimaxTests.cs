using Scratch.Toy;
using Xunit;

namespace Scratch.Tests.Toy;

public class MinimaxTests
{
    [Fact]
    public void Alternating_gda_from_1_1_with_step_1_gives_the_exact_table()
    {
        var path = Methods.Run("alternating", Game.Bilinear, new Point(1, 1), 1, 6);
        var expect = new[] { (1, 1), (-1, 2), (-2, 1), (-1, -1), (1, -2), (2, -1), (1, 1) };
        Assert.Equal(expect.Select(p => new Point(p.Item1, p.Item2)), path);
    }

    [Theory]
    [InlineData(-0.3, 2.0)]
    [InlineData(5.0, 1.0)]
    public void Alternating_gda_at_step_1_has_period_6_from_anywhere(double x, double y)
    {
        var path = Methods.Run("alternating", Game.Bilinear, new Point(x, y), 1, 18);
        for (int t = 0; t + 6 < path.Count; t++)
        {
            Assert.Equal(path[t].X, path[t + 6].X, 12);
            Assert.Equal(path[t].Y, path[t + 6].Y, 12);
        }
        Assert.All(path.Skip(1).Take(5), p => Assert.NotEqual(path[0], p));   // the period is exactly 6
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.1)]
    public void Simultaneous_gda_spirals_out_by_sqrt_1_plus_eta_squared(double eta)
    {
        var path = Methods.Run("simultaneous", Game.Bilinear, new Point(1, 1), eta, 10);
        for (int t = 0; t + 1 < path.Count; t++)
            Assert.Equal(Math.Sqrt(1 + eta * eta), path[t + 1].Norm / path[t].Norm, 12);
    }

    [Fact]
    public void Extragradient_converges_at_eta_half_and_only_circles_at_eta_1()
    {
        // |λ|² = 1 − η² + η⁴: 0.8125 at η = 0.5 (contraction), 1 at η = 1 (a rotation).
        var half = Methods.Run("extragradient", Game.Bilinear, new Point(1, 1), 0.5, 80);
        Assert.True(half[^1].Norm < 1e-3, $"extragradient η=0.5 after 80 steps: {half[^1]}");
        var one = Methods.Run("extragradient", Game.Bilinear, new Point(1, 1), 1, 50);
        Assert.All(one, p => Assert.Equal(Math.Sqrt(2), p.Norm, 10));
    }

    [Fact]
    public void Optimistic_gda_converges_at_eta_half()
    {
        var path = Methods.Run("optimistic", Game.Bilinear, new Point(1, 1), 0.5, 40);
        Assert.True(path[^1].Norm < 1e-3, $"optimistic η=0.5 after 40 steps: {path[^1]}");
    }

    [Fact]
    public void Gradients_come_from_autograd()
    {
        Assert.Equal((3.0, 2.0), Game.Bilinear.Gradient(new Point(2, 3)));   // ∂(xy)/∂x = y, ∂/∂y = x
        var (dx, dy) = Game.Regularised.Gradient(new Point(2, 3));
        Assert.Equal(3 + 0.1 * 2, dx, 12);
        Assert.Equal(2 - 0.1 * 3, dy, 12);
    }

    [Theory]
    [InlineData("--method", "adam")]
    [InlineData("--eta", "abc")]
    [InlineData("--eta", "-1")]
    [InlineData("--eta", "0")]
    [InlineData("--steps", "0")]
    [InlineData("--start", "1")]
    [InlineData("--bogus", "1")]
    public void Bad_options_give_a_one_line_error_and_a_nonzero_exit(string opt, string value)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { Assert.Equal(2, Program.Main([opt, value])); }
        finally { Console.SetError(old); }
        var text = err.ToString().TrimEnd();
        Assert.StartsWith("scratch-toy: ", text);
        Assert.DoesNotContain("\n", text);
    }

    [Fact]
    public void Report_explains_the_saddle_and_writes_csv_and_plot()
    {
        var dir = TempDirs.New().FullName;
        var o = Program.Parse(
            ["--method", "all", "--eta", "0.5", "--steps", "20", "--csv", Path.Combine(dir, "i.csv"), "--plot", Path.Combine(dir, "p.png")]);
        var text = Program.Report(o, out var paths);
        Assert.Contains("min_x max_y xy = 0, reached at x = 0", text);
        Assert.Equal(4, paths.Count);
        Assert.Equal(0, Program.Main(["--method", "all", "--steps", "5", "--csv", Path.Combine(dir, "i.csv"), "--plot", Path.Combine(dir, "p.png")]));
        Assert.Equal(1 + 4 * 6, File.ReadAllLines(Path.Combine(dir, "i.csv")).Length);
        Assert.True(new FileInfo(Path.Combine(dir, "p.png")).Length > 1000);
    }
}
