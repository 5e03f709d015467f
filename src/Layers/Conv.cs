using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>2-D convolution, weight [out, in, k, k].</summary>
public sealed class Conv2d : Module, IBiasActivation
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int Stride { get; }
    public int Padding { get; }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true, DType dtype = DType.Float32,
        RandomStream? g = null)
    {
        Stride = stride; Padding = padding;
        int fanIn = inChannels * kernel * kernel;
        Weight = Parameter("weight", Init.PyTorchDefault([outChannels, inChannels, kernel, kernel], fanIn, dtype, g));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outChannels], fanIn, dtype, g));
    }

    public override Tensor Forward(Tensor x) => x.Conv2d(Weight, Bias, Stride, Padding);
    public (Tensor Output, Tensor Bias) ForwardWithoutBias(Tensor x) => (x.Conv2d(Weight, null, Stride, Padding), Bias!.Reshape(1, -1, 1, 1));
}

/// <summary>
/// Transposed convolution ("deconvolution"), weight [in, out, k, k]: the adjoint of a Conv2d, used by
/// generators to upsample. Output side = (in − 1)·stride − 2·padding + k + output_padding.
/// </summary>
public sealed class ConvTranspose2d : Module, IBiasActivation
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true,
        DType dtype = DType.Float32, RandomStream? g = null)
    {
        Stride = stride; Padding = padding; OutputPadding = outputPadding;
        int fanIn = outChannels * kernel * kernel;   // PyTorch computes fan_in from dim 1 of the weight
        Weight = Parameter("weight", Init.PyTorchDefault([inChannels, outChannels, kernel, kernel], fanIn, dtype, g));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outChannels], fanIn, dtype, g));
    }

    public override Tensor Forward(Tensor x) => x.ConvTranspose2d(Weight, Bias, Stride, Padding, OutputPadding);
    public (Tensor Output, Tensor Bias) ForwardWithoutBias(Tensor x) =>
        (x.ConvTranspose2d(Weight, null, Stride, Padding, OutputPadding), Bias!.Reshape(1, -1, 1, 1));
}
