using Scratch.Autograd;
using Xunit;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 1, scalar autograd (<see cref="Value"/>): the tasks' tests. 1.1–1.3 check one node's backward
/// alone (its gradient set by hand, then <see cref="Value.Propagate"/>), so each is gradable before Backward.
/// </summary>
public class Module1Tests
{
    /// <summary>The central difference (f(x + h) − f(x − h)) / 2h: what a derivative must be close to.</summary>
    static double Numeric(Func<double, double> f, double x, double h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    /// <summary>Sets the output's gradient to <paramref name="g"/> and runs its own backward once.</summary>
    static void PropagateFrom(Value output, double g) { output.Grad = g; output.Propagate(); }

    [Fact, Trait("Task", "1.1")]
    public void Mul_sends_each_input_the_other_times_the_gradient()
    {
        Value a = 2, b = -3;
        var c = a * b;
        Assert.Equal(-6, c.Data);
        PropagateFrom(c, 0.5);
        Assert.Equal(-1.5, a.Grad, 12);   // ∂(ab)/∂a = b
        Assert.Equal(1.0, b.Grad, 12);    // ∂(ab)/∂b = a
    }

    [Fact, Trait("Task", "1.1")]
    public void Mul_adds_to_gradients_so_a_times_a_gets_both_shares()
    {
        Value a = 3;
        var sq = a * a;
        PropagateFrom(sq, 1);
        Assert.Equal(6, a.Grad, 12);   // += from both inputs, not = (which would give 3)
    }

    [Theory, Trait("Task", "1.2")]
    [InlineData(3.0, 2.0)]
    [InlineData(3.0, -1.0)]
    [InlineData(0.7, 2.5)]
    public void Pow_backward_is_p_x_to_the_p_minus_1(double x, double p)
    {
        Value v = x;
        var y = v.Pow(p);
        PropagateFrom(y, 2);
        Assert.Equal(2 * Numeric(t => Math.Pow(t, p), x), v.Grad, 6);
    }

    [Theory, Trait("Task", "1.3")]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    public void Tanh_backward_is_one_minus_tanh_squared(double x)
    {
        Value v = x;
        var y = v.Tanh();
        PropagateFrom(y, 1);
        Assert.Equal(Numeric(Math.Tanh, x), v.Grad, 6);
    }

    [Fact, Trait("Task", "1.4")]
    public void Topological_lists_each_node_once_after_all_its_inputs()
    {
        Value a = 1.5, b = -2;
        var c = a * b;
        var d = c + a;          // a reaches d twice: directly and through c
        var e = d * c;          // a diamond: c is used twice
        var order = e.Topological();
        Assert.Equal(order.Count, order.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Same(e, order[^1]);
        Assert.Equal(5, order.Count);
        foreach (var v in order)
            foreach (var input in v.Inputs)
                Assert.True(order.IndexOf(input) < order.IndexOf(v), $"{input} comes after {v}, which uses it");
    }

    [Fact, Trait("Task", "1.5")]
    public void Backward_through_a_neuron_matches_micrograds_numbers()
    {
        // micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with b chosen so that o ≈ 0.7071.
        Value x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432;
        var o = (x1 * w1 + x2 * w2 + b).Tanh();
        o.Backward();
        Assert.Equal(0.7071, o.Data, 4);
        Assert.Equal(1, o.Grad);
        Assert.Equal(-1.5, x1.Grad, 4);
        Assert.Equal(1.0, w1.Grad, 4);
        Assert.Equal(0.5, x2.Grad, 4);
        Assert.Equal(0.0, w2.Grad, 4);
    }

    [Fact, Trait("Task", "1.5")]
    public void Backward_twice_starts_from_zero_and_sums_over_every_path()
    {
        Value x = 0.3;
        var y = x * x * x + x.Tanh() * x;   // x reaches y along four paths
        double expected = Numeric(t => t * t * t + Math.Tanh(t) * t, 0.3);
        y.Backward();
        Assert.Equal(expected, x.Grad, 6);
        y.Backward();                         // gradients are reset, not accumulated across calls
        Assert.Equal(expected, x.Grad, 6);
    }
}
