using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;
using Device = Scratch.Tensors.Device;

namespace Scratch.Tests.Course;

/// <summary>
/// Module 3, one op three ways: argmax along an axis as the reference backend's plain loop (3.1), the CPU
/// backend's parallel rows (3.2) and the ILGPU kernel (3.3). Each is checked against answers worked out by
/// hand — ties go to the first, NaN counts as the largest, as PyTorch's argmax — and against the reference
/// on random inputs. The ILGPU device is the one the suite uses (ILGPU's CPU accelerator unless
/// SCRATCH_TEST_ILGPU names another).
/// </summary>
public class Module3Tests
{
    /// <summary>[3, 4]: a tie in row 0 (the first wins), two NaNs in row 1 (the first wins), a plain row 2.</summary>
    static readonly double[] Grid = [1, 5, 5, 2, -1, double.NaN, 7, double.NaN, 0, -3, 2, 9];

    /// <summary>The hand-worked answers on one device: along each axis, and on a broadcast (stride 0) view.</summary>
    static void KnownAnswers(Device device)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NDArray.From(Grid, [3, 4], dtype, device);
            Assert.Equal([1.0, 1, 3], x.ArgMax(1).ToDoubles());
            Assert.Equal([0.0, 1, 1, 1], x.ArgMax(0).ToDoubles());
            Assert.Equal([3, 1], x.ArgMax(1, keepDim: true).Shape);
            // A column expanded to [3, 4] has stride 0 along axis 1: four equal values, so index 0 everywhere.
            var column = NDArray.From([2.0, -1, 4], [3, 1], dtype, device).Expand(3, 4);
            Assert.Equal([0.0, 0, 0], column.ArgMax(1).ToDoubles());
            Assert.Equal([2.0, 2, 2, 2], column.ArgMax(0).ToDoubles());
        }
    }

    /// <summary>Random [4, 5, 6] inputs, contiguous and a strided view (every other row), each axis, against the reference.</summary>
    static void SameAsReference(Device device)
    {
        var g = new RandomStream(3);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var values = NDArray.Uniform([4, 10, 6], -1, 1, dtype, g: g).ToDoubles();
            foreach (var strided in new[] { false, true })
                for (int axis = 0; axis < 3; axis++)
                {
                    NDArray On(Device d)
                    {
                        var full = NDArray.From(values, [4, 10, 6], dtype, d);
                        return strided ? new NDArray(full.Storage, [4, 5, 6], [60, 12, 1], 6) : full.Reshape(4, 10, 6);
                    }
                    var expected = On(Devices.Reference).ArgMax(axis).ToDoubles();
                    Assert.True(expected.SequenceEqual(On(device).ArgMax(axis).ToDoubles()),
                        $"argmax along axis {axis} of a random {dtype} [4, 5, 6]{(strided ? " view, row stride 12" : "")}: not the reference's");
                }
        }
    }

    [Fact, Trait("Task", "3.1")]
    public void Reference_argmax_gives_the_hand_worked_indices() => KnownAnswers(Devices.Reference);

    [Fact, Trait("Task", "3.2")]
    public void Cpu_argmax_gives_the_hand_worked_indices() => KnownAnswers(Devices.Cpu);

    [Fact, Trait("Task", "3.2")]
    public void Cpu_argmax_equals_the_reference_on_random_inputs() => SameAsReference(Devices.Cpu);

    /// <summary>
    /// The kernel is a plain static method: on ILGPU's CPU accelerator its buffers are host memory, so it can
    /// be called directly, as thread 0 of a grid of one (step 1: that thread visits every output).
    /// </summary>
    [Fact, Trait("Task", "3.3")]
    public void Ilgpu_argmax_kernel_called_as_one_thread_gives_the_hand_worked_indices()
    {
        using var context = Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        using var x = accelerator.Allocate1D(Grid);
        using var rows = accelerator.Allocate1D<double>(3);
        // Along axis 1 of [3, 4]: one output per row, each starting at the row's first element.
        Kernels.ArgMax<double>(new Index1D(0), x.View, Strided.Of([3, 1], [4, 1], 0), 4, 1, rows.View, Strided.Of([3, 1], [1, 1], 0), 3, 1);
        Assert.Equal([1.0, 1, 3], rows.GetAsArray1D());
        using var columns = accelerator.Allocate1D<double>(4);
        Kernels.ArgMax<double>(new Index1D(0), x.View, Strided.Of([1, 4], [4, 1], 0), 3, 4, columns.View, Strided.Of([1, 4], [4, 1], 0), 4, 1);
        Assert.Equal([0.0, 1, 1, 1], columns.GetAsArray1D());
    }

    [Fact, Trait("Task", "3.3"), Trait("Category", "Ilgpu")]
    public void Ilgpu_argmax_gives_the_hand_worked_indices() => KnownAnswers(Devices.Ilgpu);

    [Fact, Trait("Task", "3.3"), Trait("Category", "Ilgpu")]
    public void Ilgpu_argmax_equals_the_reference_on_random_inputs() => SameAsReference(Devices.Ilgpu);
}
