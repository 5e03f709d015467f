using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>Mismatches throw at once with a message that names the op and the shapes.</summary>
public class ErrorTests
{
    static string Message(Action a) => Assert.ThrowsAny<ArgumentException>(a).Message;

    [Fact]
    public void Matmul_inner_dimensions() =>
        Assert.Equal("matmul: [128,784] x [256,10]: inner dimensions 784 and 256 differ",
            Message(() => NDArray.Zeros([128, 784]).MatMul(NDArray.Zeros([256, 10]))));

    [Fact]
    public void Broadcast_shapes() =>
        Assert.Equal("add: shapes [2,3] and [4] cannot broadcast (dimension 1: 3 vs 4)",
            Message(() => _ = NDArray.Zeros([2, 3]) + NDArray.Zeros([4])));

    [Fact]
    public void Dtypes() =>
        Assert.Equal("mul: dtypes differ (float32 [2] vs float64 [2])",
            Message(() => _ = NDArray.Zeros([2]) * NDArray.Zeros([2], DType.Float64)));

    [Fact, Trait("Category", "Ilgpu")]
    public void Devices_()
    {
        var ilgpu = Scratch.Tests.Devices.Ilgpu;   // outside the lambda: an unavailable device fails with its own reason
        Assert.Equal($"sub: devices differ (cpu [2] vs {ilgpu} [2]); move one with To(device)",
            Message(() => _ = NDArray.Zeros([2]) - NDArray.Zeros([2], device: ilgpu)));
    }

    [Fact]
    public void Reshape_and_conv()
    {
        Assert.Equal("reshape: cannot reshape [2,3] (6 elements) into [4]", Message(() => NDArray.Zeros([2, 3]).Reshape(4)));
        Assert.Contains("conv2d: input [1,3,8,8] and weight [4,2,3,3] do not match",
            Message(() => NDArray.Zeros([1, 3, 8, 8]).Conv2d(NDArray.Zeros([4, 2, 3, 3]))));
        Assert.Contains("axis 3 is out of range", Message(() => NDArray.Zeros([2, 3]).Sum([3])));
        Assert.Contains("unknown device 'tpu'", Message(() => Device.Get("tpu")));
    }

    [Fact]
    public void Released_memory_is_never_read()
    {
        NDArray kept, lost;
        using (MemoryScope.Begin())
        {
            lost = NDArray.Ones([3]);
            kept = NDArray.Ones([3]).Keep();
        }
        Assert.Equal(3, kept.Sum().Item());
        Assert.Throws<ObjectDisposedException>(() => lost.Sum());
    }
}

public class GpuTests
{
    [GpuFact("cuda")]
    public void Cuda_matches_cpu_backend()
    {
        var cuda = Device.Get("cuda");
        var a = NDArray.Uniform([64, 33], g: new RandomStream(1)); var b = NDArray.Uniform([33, 17], g: new RandomStream(2));
        Check.Close(a.MatMul(b), a.To(cuda).MatMul(b.To(cuda)).To(Device.Cpu), 1e-5, 1e-5, "cuda matmul");
        Check.Close(a.Softmax(), a.To(cuda).Softmax().To(Device.Cpu), 1e-5, 1e-6, "cuda softmax");
    }

    [GpuFact("opencl")]
    public void OpenCL_matches_cpu_backend()
    {
        var cl = Device.Get("opencl");
        var a = NDArray.Uniform([64, 33], g: new RandomStream(1)); var b = NDArray.Uniform([33, 17], g: new RandomStream(2));
        Check.Close(a.MatMul(b), a.To(cl).MatMul(b.To(cl)).To(Device.Cpu), 1e-5, 1e-5, "opencl matmul");
    }
}
