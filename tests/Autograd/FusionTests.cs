using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

/// <summary>
/// The launch-saving shortcuts (fused bias + activation, gradients adopted by leaves without a copy)
/// must compute exactly what the plain path computes, and must never let two tensors share memory.
/// </summary>
[Collection("serial")]
public class FusionTests
{
    [Fact]
    public void AddLeakyRelu_gradients_check()
    {
        var g = new RandomStream(3);
        var x = T.Normal([4, 5], dtype: DType.Float64, g: g, requiresGrad: true);
        var b = T.Normal([5], dtype: DType.Float64, g: g, requiresGrad: true);
        GradCheck.Assert(xs => xs[0].AddLeakyRelu(xs[1], 0.2).Pow(2).Sum(), x, b);
        GradGradCheck.Assert(xs => xs[0].AddLeakyRelu(xs[1], 0.0).Pow(2).Sum(), x, b);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Fusion_changes_no_output_and_no_gradient(double slope)
    {
        Module Act() => slope == 0 ? new ReLU() : new LeakyReLU(slope);
        Sequential Model() => new(new Conv2d(2, 3, 3, g: new RandomStream(5)), Act(), new ConvTranspose2d(3, 2, 2, stride: 2, g: new RandomStream(6)),
            Act(), new Flatten(), new Linear(2 * 8 * 8, 4, g: new RandomStream(7)), Act(), new Linear(4, 1, g: new RandomStream(8)));
        var plain = Model();
        var fused = Fusion.Apply(Model());
        Assert.Equal(8, plain.Steps.Count);
        Assert.Equal(5, fused.Steps.Count);   // three layer-and-activation pairs, each one step
        Assert.Equal(plain.StateDict().Select(p => p.Name), fused.StateDict().Select(p => p.Name));
        var x = T.Normal([2, 2, 6, 6], g: new RandomStream(9));
        var (yPlain, yFused) = (plain.Call(x), fused.Call(x));
        AssertClose(yPlain.ToDoubles(), yFused.ToDoubles());
        yPlain.Sum().Backward();
        yFused.Sum().Backward();
        foreach (var (p, f) in plain.Parameters().Zip(fused.Parameters())) AssertClose(p.Grad!.ToDoubles(), f.Grad!.ToDoubles());
        Assert.Contains("LeakyReLU-1", Fusion.Apply(new Sequential(new Linear(3, 2), new LeakyReLU(0.1))).Summary(1, 3));
    }

    [Fact]
    public void A_gradient_shared_by_two_leaves_is_not_adopted_twice()
    {
        using var scope = MemoryScope.Begin();
        var a = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var b = T.From([3.0, 4.0], [2], DType.Float64, requiresGrad: true);
        var g = T.From([1.0, 1.0], [2], DType.Float64);
        // Add hands the incoming gradient to both inputs unchanged; ×1 makes it an engine-made array.
        (a + b).Backward(g * 1.0);
        Assert.NotSame(a.Grad!.Data.Storage, b.Grad!.Data.Storage);
        a.Grad!.Data.AddInPlace(a.Grad.Data);
        Assert.Equal(new double[] { 1, 1 }, b.Grad!.ToDoubles());
    }

    [Fact]
    public void A_gradient_the_caller_passed_is_never_adopted()
    {
        using var scope = MemoryScope.Begin();
        var a = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var g = T.From([5.0, 6.0], [2], DType.Float64);
        (a * 1.0).Reshape(2).Backward(g);   // affine's backward makes a new array: adopted
        (a + 0.0).Backward(g);              // summed in place into the adopted buffer
        Assert.Equal(new double[] { 10, 12 }, a.Grad!.ToDoubles());
        Assert.Equal(new double[] { 5, 6 }, g.ToDoubles());
        a.ZeroGrad();
        var c = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var y = c.Reshape(2);               // a view: its gradient is exactly g, which stays the caller's
        y.Backward(g);
        Assert.NotSame(g.Data.Storage, c.Grad!.Data.Storage);
    }

    [Fact]
    public void Adopted_gradients_outlive_the_step_scope_and_reuse_the_old_buffer()
    {
        var w = T.From([1.0, 2.0, 3.0], [3], DType.Float64, requiresGrad: true);
        for (int step = 1; step <= 3; step++)
        {
            w.ZeroGrad();
            using (MemoryScope.Begin()) (w * w).Sum().Backward();
            Assert.False(w.Grad!.Data.Storage.IsReleased);
            Assert.Equal(new double[] { 2, 4, 6 }, w.Grad.ToDoubles());
        }
    }

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
    }
}
