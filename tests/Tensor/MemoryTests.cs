using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

[Collection("serial")]
public class MemoryTests
{
    // After warm-up every buffer a step asks for is served from the pool: the device allocates nothing new.
    [Fact]
    public void A_thousand_scoped_iterations_do_not_grow_memory() => Iterate(Device.Cpu);

    [Fact, Trait("Category", "Ilgpu")]
    public void A_thousand_scoped_iterations_on_the_ilgpu_device_do_not_grow_memory() => Iterate(Devices.Ilgpu);

    static void Iterate(Device d)
    {
        var w = NDArray.Uniform([8, 8], device: d, g: new RandomStream(1));
        var x = NDArray.Uniform([4, 8], device: d, g: new RandomStream(2));
        long afterWarmup = 0;
        for (int i = 0; i < 1000; i++)
        {
            using (MemoryScope.Begin())
            {
                var y = (x.MatMul(w).Tanh() * 2 + x).Softmax().Sum([0]);
                y.Max().Item();
            }
            if (i == 9) afterWarmup = d.Backend.BytesAllocated;
        }
        Assert.True(afterWarmup > 0);
        Assert.Equal(afterWarmup, d.Backend.BytesAllocated);
    }
}
