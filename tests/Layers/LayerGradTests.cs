using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Layers;

/// <summary>
/// Every layer's gradients, with respect to its input and every parameter, against central differences (float64), on both backends.
/// </summary>
public class LayerGradTests
{
    const DType F64 = DType.Float64;

    public static TheoryData<string> Cases() => new(Layers.Keys);

    static readonly Dictionary<string, (Func<Module> Make, int[] Input, double Low)> Layers = new()
    {
        ["Linear"] = (() => new Linear(3, 2, dtype: F64, g: new RandomStream(1)), [4, 3], -1),
        ["Conv2d"] = (() => new Conv2d(2, 2, 3, stride: 2, padding: 1, dtype: F64, g: new RandomStream(2)), [2, 2, 5, 5], -1),
        ["ConvTranspose2d"] = (() => new ConvTranspose2d(2, 1, 3, stride: 2, padding: 1, outputPadding: 1, dtype: F64, g: new RandomStream(3)),
            [1, 2, 3, 3], -1),
        ["BatchNorm1d(train)"] = (() => new BatchNorm1d(3, dtype: F64), [5, 3], -1),
        ["BatchNorm2d(train)"] = (() => new BatchNorm2d(2, dtype: F64), [3, 2, 2, 2], -1),
        ["BatchNorm2d(eval)"] = (() => { var b = new BatchNorm2d(2, dtype: F64); b.Eval(); return b; }, [3, 2, 2, 2], -1),
        ["LayerNorm"] = (() => new LayerNorm([4], dtype: F64), [3, 4], -1),
        ["InstanceNorm2d"] = (() => new InstanceNorm2d(2, affine: true, dtype: F64), [2, 2, 3, 3], -1),
        ["ReLU"] = (() => new ReLU(), [3, 4], 0.1),
        ["LeakyReLU"] = (() => new LeakyReLU(0.2), [3, 4], 0.1),
        ["Tanh"] = (() => new Tanh(), [3, 4], -1),
        ["Sigmoid"] = (() => new Sigmoid(), [3, 4], -1),
        ["MaxPool2d"] = (() => new MaxPool2d(2), [1, 2, 4, 4], -1),
        ["AvgPool2d"] = (() => new AvgPool2d(2), [1, 2, 4, 4], -1),
        ["Upsample"] = (() => new Upsample(2), [1, 1, 2, 3], -1),
        ["Flatten+Unflatten"] = (() => new Sequential(new Flatten(), new Unflatten(2, 4)), [2, 2, 2, 2], -1),
        ["Dropout"] = (() => new Dropout(0.3, new RandomStream(5)), [3, 4], -1),
        ["Dropout2d"] = (() => new Dropout2d(0.3, new RandomStream(6)), [2, 3, 2, 2], -1),
        ["Embedding"] = (() => new Embedding(5, 3, F64, new RandomStream(7)), [], 0),
        ["Sequential"] = (() => new Sequential(new Linear(3, 4, dtype: F64, g: new RandomStream(8)), new Tanh(),
            new Linear(4, 1, dtype: F64, g: new RandomStream(9))), [2, 3], -1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string layer) => Verify(layer, Device.Cpu);

    [Theory, Trait("Category", "Ilgpu")]
    [MemberData(nameof(Cases))]
    public void Gradients_on_the_ilgpu_device_match_finite_differences(string layer) => Verify(layer, Devices.Ilgpu);

    static void Verify(string layer, Device dev)
    {
        var (make, shape, low) = Layers[layer];
        var m = make().To(dev);
        // ReLU-like layers get inputs away from their kink (|x| ≥ 0.1).
        T x = layer == "Embedding"
            ? new T(NDArray.From(new double[] { 0, 3, 3, 1 }, [4], F64, dev))
            : new T(NDArray.Uniform(shape, 0.1, 1, F64, dev, new RandomStream(11))
                * NDArray.Bernoulli(shape, 0.5, F64, dev, new RandomStream(12)).ScaleShift(2, -1), requiresGrad: true);
        if (low < 0 && layer != "Embedding") x = new T(NDArray.Uniform(shape, -1, 1, F64, dev, new RandomStream(13)), requiresGrad: true);
        var leaves = (x.RequiresGrad ? new[] { x } : []).Concat(m.Parameters()).ToArray();
        T F()
        {
            foreach (var mod in m.Modules()) if (mod is Dropout or Dropout2d) ResetDropout(mod);
            return m.Call(x);
        }
        var r = GradCheck.RunOnLeaves(F, leaves);
        Assert.True(r.Ok, $"{layer} on {dev}: {r}");
    }

    // Dropout draws a new mask each call; for a gradient check the mask must stay fixed.
    static void ResetDropout(Module m)
    {
        if (m is Dropout d) d.Random!.Offset = 0;
        if (m is Dropout2d d2) d2.Random!.Offset = 0;
    }
}

/// <summary>BatchNorm in train mode is one fused autograd op; its gradient of the gradient must still be right.</summary>
public class BatchNormSecondOrderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Train_mode_batch_norm_passes_gradgradcheck(bool affine)
    {
        var bn = new BatchNorm2d(2, affine: affine, dtype: DType.Float64);
        var x = new T(NDArray.Uniform([3, 2, 2, 2], -1, 1, DType.Float64, Device.Cpu, new RandomStream(21)), requiresGrad: true);
        // Weight the output so the function is not invariant in a way that hides errors (Σ of a normalised batch is 0).
        var w = new T(NDArray.Uniform([3, 2, 2, 2], -1, 1, DType.Float64, Device.Cpu, new RandomStream(22)));
        GradGradCheck.Assert(xs => (bn.Call(xs[0]) * w).Pow(2).Sum(), x);
    }
}
