using FsCheck.Xunit;
using Scratch.Autograd;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

/// <summary>The op docs/add-an-op.md adds: its values, its gradient, its double backward, and both backends.</summary>
public class HardtanhTests
{
    [Fact]
    public void Forward_clips_to_the_interval()
    {
        var x = T.From([-3.0, -1, -0.5, 0, 0.25, 1, 2], [7]);
        Assert.Equal([-1.0, -1, -0.5, 0, 0.25, 1, 1], x.Hardtanh().ToDoubles());
        Assert.Equal([-0.5, -0.5, -0.5, 0, 0.25, 0.5, 0.5], x.Hardtanh(-0.5, 0.5).ToDoubles());
        Assert.Throws<ArgumentException>(() => x.Hardtanh(1, -1));
    }

    [Fact]
    public void Gradient_is_one_strictly_inside_and_zero_outside_and_at_the_corners()
    {
        var x = T.From([-3.0, -1, -0.5, 0, 0.25, 1, 2], [7], requiresGrad: true);
        x.Hardtanh().Sum().Backward();
        Assert.Equal([0.0, 0, 1, 1, 1, 0, 0], x.Grad!.ToDoubles());   // PyTorch: 0 at exactly ±1
    }

    // Values at least 0.05 from the corners, where central differences would straddle a kink.
    static T Inputs(int seed)
    {
        var v = NDArray.Uniform([4, 5], -2, 2, DType.Float64, Device.Cpu, new RandomStream((ulong)seed)).ToDoubles();
        for (int i = 0; i < v.Length; i++) if (Math.Abs(Math.Abs(v[i]) - 1) < 0.05) v[i] += 0.1;
        return T.From(v, [4, 5], DType.Float64);
    }

    [Theory, InlineData(0), InlineData(1), InlineData(2)]
    public void Gradcheck(int seed)
    {
        var r = GradCheck.Run(xs => xs[0].Hardtanh(), [Inputs(seed)], seed: seed);
        Assert.True(r.Ok, r.ToString());
    }

    [Fact]
    public void Gradcheck_of_the_backward_with_respect_to_the_incoming_gradient()
    {
        // The backward g ↦ g·[−1 < x < 1] is itself an op; check its own gradient (gradgradcheck's half
        // that concerns grad_outputs: a backward that ignored g, or dropped it, fails here).
        var x = Inputs(3);
        var g = T.From(NDArray.Normal([4, 5], 0, 1, DType.Float64, Device.Cpu, new RandomStream(4)).ToDoubles(), [4, 5], DType.Float64);
        var r = GradCheck.Run(xs =>
        {
            var xx = xs[0];
            return Engine.Grad([xx.Hardtanh()], [xx], [xs[1]], createGraph: true)[0]!;
        }, [x, g]);
        Assert.True(r.Ok, r.ToString());
    }

    [Theory, Trait("Category", "Ilgpu"), InlineData(DType.Float32), InlineData(DType.Float64)]
    public void Cpu_and_ilgpu_agree_forward_and_backward_on_a_strided_view(DType dt)
    {
        (double[] Y, double[] Dx) Run(Device d)
        {
            // A transposed view: the kernels must follow strides, not assume a contiguous array.
            var x = new T(NDArray.Uniform([6, 9], -2, 2, dt, Device.Cpu, new RandomStream(5)).To(d).Permute([1, 0]), requiresGrad: true);
            var y = x.Hardtanh(-0.7, 1.3);
            var gy = new T(NDArray.Normal([9, 6], 0, 1, dt, Device.Cpu, new RandomStream(6)).To(d));
            var dx = Engine.Grad([y], [x], [gy])[0]!;
            return (y.ToDoubles(), dx.ToDoubles());
        }
        var (cy, cdx) = Run(Devices.Cpu);
        var (gy2, gdx) = Run(Devices.Ilgpu);
        Check.Close(cy, gy2, 0, 0, "hardtanh forward");
        Check.Close(cdx, gdx, 0, 0, "hardtanh backward");
    }

    /// <summary>
    /// The property test: on random shapes, dtypes and layouts (contiguous, transposed, strided — the
    /// generators every backend-equality property uses), the ILGPU kernels give exactly the CPU's values.
    /// </summary>
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 25), Trait("Category", "Ilgpu")]
    public void Cpu_and_ilgpu_agree_on_random_arrays(ArrayCase c)
    {
        var cpu = c.Make(Devices.Cpu, -3, 3); var gpu = c.Make(Devices.Ilgpu, -3, 3);
        Check.Close(new T(cpu).Hardtanh(-1, 1.5).Data, new T(gpu).Hardtanh(-1, 1.5).Data, 0, 0, $"hardtanh {c}");
        var g = c.Make(Devices.Cpu, -1, 1);
        Check.Close(NDArray.Zip<Op.HardtanhBackward>("hb", cpu, g, -1, 1.5),
            NDArray.Zip<Op.HardtanhBackward>("hb", gpu, g.To(Devices.Ilgpu), -1, 1.5), 0, 0, $"hardtanh backward {c}");
    }
}
