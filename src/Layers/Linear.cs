using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>y = x·Wᵀ + b with W [out, in] (PyTorch's layout, so state dicts interchange).</summary>
public sealed class Linear : Module, IBiasActivation
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int In { get; }
    public int Out { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, RandomStream? g = null)
    {
        In = inFeatures; Out = outFeatures;
        Weight = Parameter("weight", Init.PyTorchDefault([outFeatures, inFeatures], inFeatures, dtype, g));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outFeatures], inFeatures, dtype, g));
    }

    public override Tensor Forward(Tensor x) => Checked(x).Linear(Weight, Bias);

    public (Tensor Output, Tensor Bias) ForwardWithoutBias(Tensor x) => (Checked(x).Linear(Weight), Bias!);

    Tensor Checked(Tensor x) => x.Shape[^1] == In ? x
        : throw new ArgumentException($"Linear({In}, {Out}): input {x.ShapeStr} has {x.Shape[^1]} features, expected {In}");

    public override string ToString() => $"Linear({In}, {Out})";
}

/// <summary>A lookup table: row i of the weight for index i (one-hot times weight, so it trains by matmul).</summary>
public sealed class Embedding : Module
{
    public Tensor Weight { get; }
    public Embedding(int count, int dim, DType dtype = DType.Float32, RandomStream? g = null) =>
        Weight = Parameter("weight", NDArray.Normal([count, dim], 0, 1, dtype, Device.Cpu, g));

    public override Tensor Forward(Tensor indices) => indices.OneHot(Weight.Shape[0]).MatMul(Weight);
}
