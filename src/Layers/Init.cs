using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>
/// Weight initialisers. The defaults match PyTorch: Linear and Conv weights use kaiming-uniform
/// with a = √5, which works out to U(−1/√fan_in, 1/√fan_in), and so do their biases.
/// </summary>
public static class Init
{
    /// <summary>fan_in = inputs feeding one output: in_features, or in_channels·kh·kw (dim 1 onwards, as PyTorch computes it).</summary>
    public static int FanIn(int[] weightShape) => weightShape.Skip(1).Aggregate(1, (p, d) => p * d);

    public static NDArray PyTorchDefault(int[] shape, int fanIn, DType dtype, RandomStream? g = null)
    {
        double bound = 1 / Math.Sqrt(fanIn);
        return NDArray.Uniform(shape, -bound, bound, dtype, Device.Cpu, g);
    }

    public static void Normal(Autograd.Tensor t, double mean, double std, RandomStream? g = null) =>
        t.Assign(NDArray.Normal(t.Shape, mean, std, t.DType, t.Device, g));

    public static void Constant(Autograd.Tensor t, double value) => t.Data.Fill(value);

    /// <summary>DCGAN (Radford et al. 2015): conv weights N(0, 0.02); BatchNorm weights N(1, 0.02), biases 0.</summary>
    public static void Dcgan(Module m, RandomStream? g = null)
    {
        switch (m)
        {
            case Conv2d c: Normal(c.Weight, 0, 0.02, g); break;
            case ConvTranspose2d c: Normal(c.Weight, 0, 0.02, g); break;
            case BatchNorm b when b.Weight != null: Normal(b.Weight, 1, 0.02, g); Constant(b.Bias!, 0); break;
        }
    }
}
