using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

[Collection("serial")]
public class MemoryTests
{
    // After warm-up every buffer a step asks for is served from the pool: the device allocates nothing new.
    [Fact]
    public void A_thousand_scoped_iterations_do_not_grow_memory() => Iterate(Device.Cpu, 1000);

    // ILGPU's CPU accelerator pays milliseconds per launch: a hundred iterations (the bytes must not move
    // after the tenth, so one leaked block per iteration shows at once) cost what a thousand do on the CPU.
    [Fact, Trait("Category", "Ilgpu")]
    public void A_hundred_scoped_iterations_on_the_ilgpu_device_do_not_grow_memory() => Iterate(Devices.Ilgpu, 100);

    // A storage made outside every scope (parameters, a script without scopes) is an array of its own,
    // which the garbage collector frees: it takes nothing from the allocator's segments.
    [Fact]
    public void Storage_made_outside_every_scope_takes_no_segment()
    {
        long before = Device.Cpu.Backend.BytesAllocated;
        var kept = Enumerable.Range(0, 4).Select(_ => NDArray.Zeros([3 << 20], device: Device.Cpu)).ToList();
        Assert.Equal(before, Device.Cpu.Backend.BytesAllocated);
        Assert.All(kept, k => Assert.Equal(0, k.Sum().Item()));
    }

    // A block kept beyond every scope and then dropped without a release is found by the garbage
    // collector: before the allocator takes a new segment it collects, so 20 rounds of "keep 12 MB,
    // drop it" reuse the same few segments instead of growing by 240 MB.
    [Fact]
    public void Blocks_kept_beyond_their_scope_and_dropped_go_back_to_the_allocator()
    {
        var cpu = Device.Cpu.Backend;
        KeepAndDrop();
        long start = cpu.BytesAllocated;
        for (int i = 0; i < 20; i++) KeepAndDrop();
        Assert.True(cpu.BytesAllocated - start <= 64L << 20, $"the allocator grew by {(cpu.BytesAllocated - start) >> 20} MB");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void KeepAndDrop()
    {
        using (MemoryScope.Begin())
        {
            var a = NDArray.Zeros([3 << 20], device: Device.Cpu);
            MemoryScope.Keep(a.Storage);   // no enclosing scope: from now on only the collector can return it
        }
    }

    static void Iterate(Device d, int iterations)
    {
        var w = NDArray.Uniform([8, 8], device: d, g: new RandomStream(1));
        var x = NDArray.Uniform([4, 8], device: d, g: new RandomStream(2));
        long afterWarmup = 0;
        for (int i = 0; i < iterations; i++)
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
