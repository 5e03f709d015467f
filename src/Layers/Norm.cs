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
            throw new ArgumentException($"{GetType().Name}({RunningMean.Numel}): input {x.ShapeStr} should be rank {_rank} with {RunningMean.Numel} channels in dim 1");
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var bshape = x.Shape.Select((d, i) => i == 1 ? d : 1).ToArray();     // [1, C] or [1, C, 1, 1]
        if (Training) return TrainForward(x, axes, bshape);
        // Eval: y = (x − running mean)·(γ/√(running var + ε)) + β, the per-channel factor formed on the
        // small [1, C] tensor first, so the full-size tensor is touched by one multiply.
        var centered = x - RunningMean.Reshape(bshape).Detach();
        var invStd = new Tensor((RunningVar.Data + Eps).Pow(-0.5).Reshape(bshape));
        return Weight == null ? centered * invStd : centered * (invStd * Weight.Reshape(bshape)) + Bias!.Reshape(bshape);
    }

    /// <summary>
    /// Train mode as one autograd op with the closed-form gradient (Ioffe &amp; Szegedy 2015, §3):
    ///   x̂ = (x − μ)/σ,  y = γx̂ + β,  dβ = Σg,  dγ = Σ g·x̂,  dx = (γ/σ)·(g − (dβ + x̂·dγ)/n)
    /// with sums over every axis but the channel. Composed from its parts, autograd would record some
    /// 25 small ops per layer and replay their gradients one by one (one GPU kernel launch each); this
    /// is 10 launches forward and 10 backward (BatchNormLaunchTests counts them; the backward recomputes
    /// x̂ from the saved x, two launches that save keeping x̂ alive through the step — docs/memory.md). When a gradient of the gradient is asked for
    /// (createGraph), the backward is instead the composed formula, differentiated by the engine.
    /// </summary>
    Tensor TrainForward(Tensor x, int[] axes, int[] bshape)
    {
        int n = x.Numel / x.Shape[1];
        // Each line below is one pass (one kernel launch on a GPU); the 1/n of the mean rides in the
        // subtraction's coefficient instead of a pass of its own.
        NDArray sum = x.Data.Sum(axes, keepDim: true);                                  // n·μ
        NDArray xc = NDArray.Zip<Op.Axpby>("sub_mean", x.Data, sum, 1, -1.0 / n);       // x − μ
        NDArray sq = (xc * xc).Sum(axes, keepDim: true);                                // n·σ²
        NDArray invStd = sq.Map<Op.RsqrtScaleShift>(1.0 / n, Eps);                          // 1/√(σ² + ε)
        NDArray xhat = xc * invStd;
        xc.Storage.Release();   // a full-size temporary: the backward reads x̂, never x − μ
        using (GradMode.NoGrad())
        {
            RunningMean.Data.ZipInPlace<Op.Axpby>(sum.Reshape(-1), 1 - Momentum, Momentum / n);
            RunningVar.Data.ZipInPlace<Op.Axpby>(sq.Reshape(-1), 1 - Momentum, Momentum / Math.Max(1, n - 1));   // unbiased: n·σ²/(n−1)
        }
        NDArray? gamma = Weight?.Data.Reshape(bshape);
        NDArray y = xhat;
        if (gamma != null)
        {
            // x̂ is not kept for the backward, which forms it again from x (one more pass): x is held
            // anyway (it is the previous layer's output), so keeping x̂ too would cost a full
            // activation per layer. PyTorch's batch_norm saves x, μ and 1/σ the same way.
            var scaled = xhat * gamma;
            y = scaled + Bias!.Data.Reshape(bshape);
            scaled.Storage.Release();
            xhat.Storage.Release();
        }
        Tensor[] inputs = Weight == null ? [x] : [x, Weight, Bias!];
        return Tensor.Function("batch_norm", y, inputs, g =>
        {
            if (GradMode.Enabled) return Composed(x, axes, bshape, g, inputs);   // double backward
            var xh = gamma == null ? y : NDArray.Zip<Op.Axpby>("sub_mean", x.Data, sum, 1, -1.0 / n) * invStd;
            NDArray dBeta = g.Data.Sum(axes, keepDim: true), dGamma = (g.Data * xh).Sum(axes, keepDim: true);
            var scale = gamma == null ? invStd : invStd * gamma;
            // dx = (γ/σ)·(g − (x̂·dγ + dβ)/n), the two 1/n folded into the subtractions.
            var r = NDArray.Zip<Op.Axpby>("bn_grad", g.Data, xh * dGamma, 1, -1.0 / n);
            var dx = NDArray.Zip<Op.Axpby>("bn_grad", r, dBeta, 1, -1.0 / n) * scale;
            return gamma == null ? [new Tensor(dx)] : [new Tensor(dx), new Tensor(dGamma.Reshape(-1)), new Tensor(dBeta.Reshape(-1))];
        });
    }

    // The same layer composed from differentiable ops and differentiated by the engine with
    // createGraph, so that the gradient it returns is itself a recorded function of x, γ and β.
    Tensor?[] Composed(Tensor x, int[] axes, int[] bshape, Tensor g, Tensor[] inputs)
    {
        var c = x - x.Mean(axes, keepDim: true);
        var normed = c * (c.Pow(2).Mean(axes, keepDim: true) + Eps).Pow(-0.5);
        var y = Weight == null ? normed : normed * Weight.Reshape(bshape) + Bias!.Reshape(bshape);
        return Engine.Grad([y], inputs, [g], createGraph: true, allowUnused: true);
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
