using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Layers;

/// <summary>
/// BatchNorm's train step counted in kernel launches on the ILGPU backend, the numbers
/// <c>Norm.cs</c> and docs/gpu.md state: a change that adds a pass shows up here, not in a stale comment.
/// </summary>
[Collection("serial")]   // counts launches on the shared ILGPU device
public class BatchNormLaunchTests
{
    [Fact]
    public void Train_forward_is_ten_launches_and_backward_ten()
    {
        var d = Devices.Ilgpu;
        var ilgpu = (IlgpuBackend)d.Backend.Innermost();
        var bn = new BatchNorm2d(3);
        bn.To(d);
        var x = new T(NDArray.Normal([4, 3, 5, 5], 0, 1, DType.Float32, d, new RandomStream(1)), requiresGrad: true);
        var g = new T(NDArray.Normal([4, 3, 5, 5], 0, 1, DType.Float32, d, new RandomStream(2)));
        long before = ilgpu.Launches;
        var y = bn.Call(x);
        long forward = ilgpu.Launches - before;
        before = ilgpu.Launches;
        Engine.Grad([y], [x, bn.Weight!, bn.Bias!], [g]);
        long backward = ilgpu.Launches - before;
        Assert.Equal((10, 10), (forward, backward));
    }
}
