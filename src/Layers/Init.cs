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

    /// <summary>
    /// openai/InfoGAN's custom_ops: N(0, 0.02) weights on every convolution, transposed convolution and
    /// linear layer, biases 0; BatchNorm as DCGAN's. (DCGAN's own init leaves linear layers and biases
    /// at PyTorch's default.)
    /// </summary>
    public static void InfoGan(Module m, RandomStream? g = null)
    {
        switch (m)
        {
            case Linear l: Normal(l.Weight, 0, 0.02, g); Zero(l.Bias); break;
            case Conv2d c: Dcgan(c, g); Zero(c.Bias); break;
            case ConvTranspose2d c: Dcgan(c, g); Zero(c.Bias); break;
            default: Dcgan(m, g); break;
        }
    }

    /// <summary>
    /// Gulrajani et al.'s tflib (improved_wgan_training, tflib/ops): uniform weights with standard
    /// deviation √(4 / (fan_in + fan_out)) for convolutions ("he_init"), where the strided side counts
    /// k²/stride² per channel (a conv's output, a transposed conv's input); Glorot's √(2 / (in + out))
    /// for linear layers; biases 0. Larger than PyTorch's default by about 3× on these layers, which
    /// matters in networks with no normalisation: the signal keeps its scale through the layers.
    /// </summary>
    public static void Tflib(Module m, RandomStream? g = null)
    {
        switch (m)
        {
            case Conv2d c:
                Uniform(c.Weight, Std(c.Weight.Shape[1], c.Weight.Shape[0], c.Weight.Shape[2], c.Stride, stridedOut: true), g); Zero(c.Bias); break;
            case ConvTranspose2d c:
                Uniform(c.Weight, Std(c.Weight.Shape[0], c.Weight.Shape[1], c.Weight.Shape[2], c.Stride, stridedOut: false), g); Zero(c.Bias); break;
            case Linear l: Uniform(l.Weight, Math.Sqrt(2.0 / (l.In + l.Out)), g); Zero(l.Bias); break;
        }

        static double Std(int inCh, int outCh, int k, int stride, bool stridedOut)
        {
            double fanIn = inCh * k * k, fanOut = outCh * k * k;
            if (stridedOut) fanOut /= stride * stride; else fanIn /= stride * stride;
            return Math.Sqrt(4 / (fanIn + fanOut));
        }
        static void Uniform(Autograd.Tensor t, double std, RandomStream? g) =>
            t.Assign(NDArray.Uniform(t.Shape, -std * Math.Sqrt(3), std * Math.Sqrt(3), t.DType, t.Device, g));
    }

    /// <summary>Zeroes a bias, where the layer has one.</summary>
    static void Zero(Autograd.Tensor? bias) { if (bias != null) Constant(bias, 0); }
}
