using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>
/// Batch normalisation over every axis but the channel axis (1). In train mode it normalises with
/// the batch's own mean and (biased) variance and updates running estimates:
/// running ← (1 − momentum)·running + momentum·batch (the running variance uses the unbiased batch
/// variance, as PyTorch does). In eval mode it normalises with the running estimates instead.
/// </summary>
public class BatchNorm : Module
{
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public double Momentum { get; }
    public double Eps { get; }
    readonly int _rank;

    protected BatchNorm(int features, int rank, double eps, double momentum, bool affine, DType dtype)
    {
        _rank = rank; Eps = eps; Momentum = momentum;
        if (affine)
        {
            Weight = Parameter("weight", NDArray.Ones([features], dtype, Device.Cpu));
            Bias = Parameter("bias", NDArray.Zeros([features], dtype, Device.Cpu));
        }
        RunningMean = Buffer("running_mean", NDArray.Zeros([features], dtype, Device.Cpu));
        RunningVar = Buffer("running_var", NDArray.Ones([features], dtype, Device.Cpu));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != _rank || x.Shape[1] != RunningMean.Numel)
            throw new ArgumentException(
                $"{GetType().Name}({RunningMean.Numel}): input {x.ShapeStr} should be rank {_rank} with {RunningMean.Numel} channels in dim 1");
        if (Training) return x.BatchNorm(Weight, Bias, RunningMean.Data, RunningVar.Data, Momentum, Eps);   // Ops/Norm.cs
        // Eval: y = (x − running mean)·(γ/√(running var + ε)) + β, the per-channel factor formed on the
        // small [1, C] tensor first, so the full-size tensor is touched by one multiply.
        var bshape = x.Shape.Select((d, i) => i == 1 ? d : 1).ToArray();     // [1, C] or [1, C, 1, 1]
        var centered = x - RunningMean.Reshape(bshape).Detach();
        var invStd = new Tensor((RunningVar.Data + Eps).Pow(-0.5).Reshape(bshape));
        return Weight == null ? centered * invStd : centered * (invStd * Weight.Reshape(bshape)) + Bias!.Reshape(bshape);
    }
}

public sealed class BatchNorm1d(int features, double eps = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(features, 2, eps, momentum, affine, dtype);

public sealed class BatchNorm2d(int features, double eps = 1e-5, double momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
    : BatchNorm(features, 4, eps, momentum, affine, dtype);

/// <summary>Normalises each sample over its last dims (no batch statistics, so train and eval agree).</summary>
public sealed class LayerNorm : Module
{
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    readonly int[] _shape;
    readonly double _eps;

    public LayerNorm(int[] normalizedShape, double eps = 1e-5, DType dtype = DType.Float32)
    {
        _shape = normalizedShape; _eps = eps;
        Weight = Parameter("weight", NDArray.Ones(normalizedShape, dtype, Device.Cpu));
        Bias = Parameter("bias", NDArray.Zeros(normalizedShape, dtype, Device.Cpu));
    }

    public override Tensor Forward(Tensor x)
    {
        var axes = Enumerable.Range(x.Rank - _shape.Length, _shape.Length).ToArray();
        var c = x - x.Mean(axes, keepDim: true);
        return c / (c.Pow(2).Mean(axes, keepDim: true) + _eps).Sqrt() * Weight + Bias;
    }
}

/// <summary>Normalises each (sample, channel) plane over H×W; no running statistics, no affine by default (PyTorch's defaults).</summary>
public sealed class InstanceNorm2d : Module
{
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    readonly double _eps;

    public InstanceNorm2d(int features, double eps = 1e-5, bool affine = false, DType dtype = DType.Float32)
    {
        _eps = eps;
        if (affine)
        {
            Weight = Parameter("weight", NDArray.Ones([features], dtype, Device.Cpu));
            Bias = Parameter("bias", NDArray.Zeros([features], dtype, Device.Cpu));
        }
    }

    public override Tensor Forward(Tensor x)
    {
        var c = x - x.Mean([2, 3], keepDim: true);
        var y = c / (c.Pow(2).Mean([2, 3], keepDim: true) + _eps).Sqrt();
        return Weight == null ? y : y * Weight.Reshape(1, -1, 1, 1) + Bias!.Reshape(1, -1, 1, 1);
    }
}
