using Scratch.Autograd;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

[Collection("serial")]
public class EngineTests
{
    [Fact]
    public void Backward_traced_by_hand()
    {
        // y = (a·b + a)², a = 2, b = 3: y = 64; dy/da = 2(ab + a)(b + 1) = 64; dy/db = 2(ab + a)·a = 32.
        var a = T.From([2.0], [1], DType.Float64, requiresGrad: true);
        var b = T.From([3.0], [1], DType.Float64, requiresGrad: true);
        var y = (a * b + a).Pow(2).Sum();
        y.Backward();
        Assert.Equal(64, y.Item());
        Assert.Equal(64, a.Grad!.Item());
        Assert.Equal(32, b.Grad!.Item());
    }

    [Fact]
    public void Gradients_accumulate_until_zeroed()
    {
        var x = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        (x * 3).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal(new double[] { 6, 6 }, x.Grad!.ToDoubles());
        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * x).Sum().Backward();
        Assert.Equal(new double[] { 2, 4 }, x.Grad!.ToDoubles());
    }

    [Fact]
    public void Detach_and_no_grad_stop_the_graph()
    {
        var x = T.From([1.0], [1], DType.Float64, requiresGrad: true);
        Assert.False(x.Detach().RequiresGrad);
        using (GradMode.NoGrad()) Assert.False((x * 2).RequiresGrad);
        Assert.True((x * 2).RequiresGrad);
        var y = (x * x.Detach()).Sum();
        y.Backward();
        Assert.Equal(1, x.Grad!.Item());   // only the live factor contributes
    }

    [Fact]
    public void Second_backward_through_a_freed_graph_is_a_clear_error()
    {
        var x = T.From([1.0], [1], DType.Float64, requiresGrad: true);
        var y = (x.Exp() * 2).Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("already freed", e.Message);
        Assert.Contains("retainGraph", e.Message);

        var z = (x.Exp() * 2).Sum();
        z.Backward(retainGraph: true);
        z.Backward();   // allowed: the first call kept the graph
    }

    [Fact]
    public void Non_scalar_backward_needs_a_gradient()
    {
        var x = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2).Backward());
        Assert.Contains("not a scalar", e.Message);
        (x * 2).Backward(T.From([1.0, 10.0], [2], DType.Float64));
        Assert.Equal(new double[] { 2, 20 }, x.Grad!.ToDoubles());
    }

    [Fact]
    public void Grad_returns_gradients_without_touching_leaves_and_reports_unused_inputs()
    {
        var x = T.From([3.0], [1], DType.Float64, requiresGrad: true);
        var unused = T.From([1.0], [1], DType.Float64, requiresGrad: true);
        var y = (x * x * x).Sum();
        var g = Engine.Grad([y], [x], createGraph: true)[0]!;        // 3x² = 27
        Assert.Equal(27, g.Item());
        var gg = Engine.Grad([g.Sum()], [x])[0]!;                     // 6x = 18
        Assert.Equal(18, gg.Item());
        Assert.Null(x.Grad);
        Assert.Throws<InvalidOperationException>(() => Engine.Grad([(x * 2).Sum()], [unused]));
        // allowUnused: zeros of the input's shape, as PyTorch's allow_unused with materialize_grads.
        Assert.Equal(new double[] { 0 }, Engine.Grad([(x * 2).Sum()], [unused], allowUnused: true)[0]!.ToDoubles());
    }

    [Fact]
    public void Broadcast_inputs_get_gradients_of_their_own_shape()
    {
        var a = T.Ones([2, 3], DType.Float64, requiresGrad: true);
        var b = T.Ones([3], DType.Float64, requiresGrad: true);
        (a * b).Sum().Backward();
        Assert.Equal([3], b.Grad!.Shape);
        Assert.Equal(new double[] { 2, 2, 2 }, b.Grad.ToDoubles());
    }

    [Fact, Trait("Category", "Ilgpu")]
    public void Gradients_on_ilgpu_equal_gradients_on_cpu()
    {
        double[][] Grads(Device d)
        {
            var x = new T(NDArray.Uniform([2, 2, 6, 6], -1, 1, DType.Float64, d, new RandomStream(1)), requiresGrad: true);
            var w = new T(NDArray.Uniform([3, 2, 3, 3], -1, 1, DType.Float64, d, new RandomStream(2)), requiresGrad: true);
            var wt = new T(NDArray.Uniform([3, 2, 4, 4], -1, 1, DType.Float64, d, new RandomStream(3)), requiresGrad: true);
            var h = x.Conv2d(w, padding: 1).LeakyRelu(0.2).MaxPool2d(2);
            var y = h.ConvTranspose2d(wt, stride: 2, padding: 1).Tanh();
            var loss = (y.Softmax(1) * y).Sum() + h.Mean();
            loss.Backward();
            return [x.Grad!.ToDoubles(), w.Grad!.ToDoubles(), wt.Grad!.ToDoubles()];
        }
        var cpu = Grads(Device.Cpu); var gpu = Grads(Devices.Ilgpu);
        for (int i = 0; i < cpu.Length; i++) Check.Close(cpu[i], gpu[i], 1e-12, 1e-12, $"gradient {i}");
    }

    [Fact]
    public void Wgan_gp_penalty_gradient_by_double_backward_matches_finite_differences()
    {
        // A small conv critic D(x) = Linear(LeakyReLU(Conv(x))); penalty = mean((‖∇ₓD(x̂)‖₂ − 1)²).
        var g = new RandomStream(11);
        var conv = new T(NDArray.Normal([2, 1, 3, 3], 0, 0.5, DType.Float64, g: g));
        var bias = new T(NDArray.Normal([2], 0, 0.1, DType.Float64, g: g));
        var lin = new T(NDArray.Normal([2 * 2 * 2, 1], 0, 0.5, DType.Float64, g: g));
        var xhat = new T(NDArray.Normal([3, 1, 4, 4], 0, 1, DType.Float64, g: g));
        T Penalty(T[] p)
        {
            var x = new T(xhat.Data, requiresGrad: true);
            var score = x.Conv2d(p[0], p[1], stride: 2, padding: 1).LeakyRelu(0.2).Reshape(3, -1).MatMul(p[2]);
            var grad = Engine.Grad([score.Sum()], [x], createGraph: true)[0]!;
            var norm = (grad.Pow(2).Sum([1, 2, 3]) + 1e-12).Sqrt();
            return (norm - 1).Pow(2).Mean();
        }
        var r = GradCheck.Run(Penalty, [conv, bias, lin]);
        Assert.True(r.Ok, r.ToString());
        Assert.True(Penalty([conv, bias, lin]).Item() > 0);
        Assert.True(GradGradCheck.Run(xs => xs[0].Conv2d(xs[1], null, 2, 1).Tanh(), [xhat, conv]).Ok);
    }

    [Fact]
    public void A_thousand_step_mlp_training_loop_does_not_grow_memory() => Train(Device.Cpu, 1000);

    // A hundred steps on ILGPU's CPU accelerator, whose launches cost milliseconds each: the bytes may not
    // move after step 10, so a block leaked per step shows at once.
    [Fact, Trait("Category", "Ilgpu")]
    public void A_hundred_step_mlp_training_loop_on_the_ilgpu_device_does_not_grow_memory() => Train(Devices.Ilgpu, 100);

    static void Train(Device d, int steps)
    {
        var g = new RandomStream(3);
        var w1 = new T(NDArray.Normal([8, 16], 0, 0.3, device: d, g: g), requiresGrad: true);
        var w2 = new T(NDArray.Normal([16, 1], 0, 0.3, device: d, g: g), requiresGrad: true);
        var x = new T(NDArray.Normal([32, 8], device: d, g: g));
        var y = new T(NDArray.Normal([32, 1], device: d, g: g));
        long warm = 0; double first = 0, last = 0;
        for (int step = 0; step < steps; step++)
        {
            using (MemoryScope.Begin())
            {
                w1.ZeroGrad(); w2.ZeroGrad();
                var loss = (x.MatMul(w1).Tanh().MatMul(w2) - y).Pow(2).Mean();
                loss.Backward();
                foreach (var w in new[] { w1, w2 }) w.Data.AddInPlace(w.Grad!.Data * -0.05);
                last = loss.Item();
                if (step == 0) first = last;
            }
            if (step == 10) warm = d.Backend.BytesAllocated;
        }
        Assert.Equal(warm, d.Backend.BytesAllocated);
        Assert.True(last < first * 0.5, $"loss {first} → {last}");
    }
}

public class TensorPrintTests
{
    [Fact]
    public void Printout_shows_how_the_tensor_takes_part_in_autograd()
    {
        var x = Scratch.Autograd.Tensor.From([1.5, 2], [2], Scratch.Tensors.DType.Float64, requiresGrad: true);
        Assert.Equal("tensor([1.5000, 2.0000], shape=[2], dtype=float64, device=cpu, requires_grad=True)", x.ToString());
        Assert.EndsWith("device=cpu, grad_fn=exp)", x.Exp().ToString());
        Assert.EndsWith("device=cpu)", x.Detach().ToString());
    }
}
