using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

public class RandomTests
{
    // Uniform and Bernoulli are integer hashing and one multiply: exact on every device. Normal goes
    // through log and cos (Box–Muller): exact where the device uses .NET's math, ulps apart elsewhere.
    [Theory, Trait("Category", "Ilgpu")]
    [InlineData(RandomKind.Uniform)]
    [InlineData(RandomKind.Normal)]
    [InlineData(RandomKind.Bernoulli)]
    public void Same_seed_gives_the_same_numbers_on_both_backends(RandomKind kind)
    {
        NDArray Draw(Device d, DType t) => kind switch
        {
            RandomKind.Uniform => NDArray.Uniform([5, 7], -1, 1, t, d, new RandomStream(42)),
            RandomKind.Normal => NDArray.Normal([5, 7], 0, 1, t, d, new RandomStream(42)),
            _ => NDArray.Bernoulli([5, 7], 0.3, t, d, new RandomStream(42)),
        };
        foreach (var t in new[] { DType.Float32, DType.Float64 })
        {
            var (rel, abs) = kind == RandomKind.Normal ? Check.DeviceMath(t) : (0, 0);
            Check.Close(Draw(Devices.Cpu, t), Draw(Devices.Ilgpu, t), rel, abs, kind.ToString());
        }
        Assert.NotEqual(NDArray.Uniform([8], g: new RandomStream(1)).ToDoubles(), NDArray.Uniform([8], g: new RandomStream(2)).ToDoubles());
    }

    [Fact]
    public void Successive_draws_continue_the_stream()
    {
        var g = new RandomStream(7);
        var a = NDArray.Uniform([4], g: g).ToDoubles();
        var b = NDArray.Uniform([4], g: g).ToDoubles();
        var both = NDArray.Uniform([8], g: new RandomStream(7)).ToDoubles();
        Assert.Equal(both, a.Concat(b).ToArray());
    }

    // With n = 200,000 samples the standard error of the mean is σ/√n; bounds are 5 standard errors.
    [Fact]
    public void Moments_are_within_statistical_bounds()
    {
        const int n = 200_000;
        var u = NDArray.Uniform([n], 0, 1, DType.Float64, g: new RandomStream(3)).ToDoubles();
        double se = Math.Sqrt(1.0 / 12 / n);
        Assert.InRange(u.Average(), 0.5 - 5 * se, 0.5 + 5 * se);
        Assert.InRange(u.Select(v => (v - 0.5) * (v - 0.5)).Average(), 1.0 / 12 - 0.002, 1.0 / 12 + 0.002);
        Assert.True(u.All(v => v >= 0 && v < 1));

        var z = NDArray.Normal([n], 2, 3, DType.Float64, g: new RandomStream(4)).ToDoubles();
        double mean = z.Average(), var = z.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, 2 - 5 * 3 / Math.Sqrt(n), 2 + 5 * 3 / Math.Sqrt(n));
        Assert.InRange(var, 9 * (1 - 5 * Math.Sqrt(2.0 / n)), 9 * (1 + 5 * Math.Sqrt(2.0 / n)));
        double skew = z.Select(v => Math.Pow((v - mean) / 3, 3)).Average();
        Assert.InRange(skew, -0.05, 0.05);

        var b = NDArray.Bernoulli([n], 0.3, DType.Float64, g: new RandomStream(5)).ToDoubles();
        Assert.True(b.All(v => v == 0 || v == 1));
        Assert.InRange(b.Average(), 0.3 - 5 * Math.Sqrt(0.21 / n), 0.3 + 5 * Math.Sqrt(0.21 / n));
    }
}
