using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>
/// A training loop's memory is flat: after the first steps (which create the optimizer state and the
/// spare gradient buffers) every step holds the same bytes at its peak, ends with the same bytes live,
/// and, once its segments have settled, the allocator reserves nothing new — over a few hundred steps, with and without double backward.
/// And the ILGPU backend frees as the CPU one does: its peak per step is no higher.
/// </summary>
[Collection("serial")]
public class TrainingMemoryTests
{
    [Theory]
    [InlineData(LossKind.NonSaturating, 300)]
    [InlineData(LossKind.WassersteinGp, 150)]
    public void Memory_is_flat_once_the_pool_has_settled(LossKind loss, int steps)
    {
        var d = Device.Cpu;
        var (peak, live, reserved) = Steps(d, loss, steps, batch: 4);
        for (int i = 3; i < steps; i++)
        {
            Assert.True(peak[i] == peak[2], $"step {i}: peak {peak[i]} bytes, step 2: {peak[2]}");
            Assert.True(live[i] == live[2], $"step {i}: {live[i]} bytes live after the step, step 2: {live[2]}");
        }
        // The allocator's reservation may still grow for a few steps (which free block serves a request
        // depends on the order of frees, so the split segments can take a few steps to settle), then
        // never again: settled by step 10 and flat for the rest of the run.
        int settled = Enumerable.Range(1, steps - 1).LastOrDefault(i => reserved[i] != reserved[i - 1]);
        if (settled > 10) Assert.Fail($"the allocator still grew at step {settled}: {reserved[settled - 1]} -> {reserved[settled]} bytes");
    }

    [Fact]
    public void Pool_peak_on_ilgpu_is_no_higher_than_on_cpu()
    {
        var (cpu, _, _) = Steps(Device.Cpu, LossKind.NonSaturating, 3, batch: 2);
        var (ilgpu, _, _) = Steps(Devices.Ilgpu, LossKind.NonSaturating, 3, batch: 2);
        Assert.True(ilgpu[^1] <= cpu[^1], $"peak per step: ilgpu {ilgpu[^1]} bytes, cpu {cpu[^1]}");
    }

    // One DCGAN D step and G step per scope, as the trainer and the benchmark run them; per step the
    // peak live bytes, the live bytes after it, and the pool's reservation.
    static (long[] Peak, long[] Live, long[] Reserved) Steps(Device d, LossKind loss, int steps, int batch)
    {
        var gan = new GanModel(Zoo.Defaults(ModelKind.Dcgan) with { Loss = loss, BatchSize = batch, Seed = 5 }, d);
        var real = new Scratch.Autograd.Tensor(NDArray.Uniform([batch, 1, 28, 28], -1, 1, device: d, g: new RandomStream(1)));
        var stats = MemoryStats.For(d);
        long[] peak = new long[steps], live = new long[steps], reserved = new long[steps];
        long baseline = stats.LiveBytes;
        for (int i = 0; i < steps; i++)
        {
            stats.ResetPeak();
            using (MemoryScope.Begin())
            {
                gan.DStep(real, readLosses: false);
                gan.GStep(batch, readLosses: false);
            }
            d.Backend.Synchronize();
            peak[i] = stats.PeakBytes - baseline; live[i] = stats.LiveBytes - baseline; reserved[i] = d.Backend.BytesAllocated;
        }
        return (peak, live, reserved);
    }
}
