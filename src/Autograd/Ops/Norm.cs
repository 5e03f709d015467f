using Scratch.Tensors;

namespace Scratch.Autograd;

// Batch normalisation in train mode, with the closed-form gradient (Ioffe & Szegedy 2015, §3):
//   x̂ = (x − μ)/σ,  y = γx̂ + β,  dβ = Σg,  dγ = Σ g·x̂,  dx = (γ/σ)·(g − (dβ + x̂·dγ)/n)
// with sums over every axis but the channel (1) and σ = √(σ²_batch + ε). Composed from its parts,
// autograd would record some 25 small ops per layer and replay their gradients one by one (one GPU
// kernel launch each). Here the forward is one op and dx is one op too, written like SlopeMask: its
// own backward is written with differentiable ops, so a gradient of the gradient (createGraph)
// goes through the same code as a plain backward.
public sealed partial class Tensor
{
    /// <summary>
    /// Train-mode batch norm (PyTorch's F.batch_norm with training=True): x normalised per channel
    /// (axis 1) with the batch's mean and biased variance, times weight plus bias when given (both or
    /// neither). The running estimates are updated in place: running ← (1 − momentum)·running +
    /// momentum·batch, the variance's from the unbiased batch variance, as PyTorch does.
    /// </summary>
    public Tensor BatchNorm(Tensor? weight, Tensor? bias, NDArray runningMean, NDArray runningVar, double momentum, double eps)
    {
        if ((weight == null) != (bias == null)) throw new ArgumentException("batch_norm: give both weight and bias, or neither");
        var x = this;
        var xhat = BatchMoments.Normalize(x.Data, eps, out var m);
        int n = m.Count;
        runningMean.ZipInPlace<Op.Axpby>(m.Sum.Reshape(-1), 1 - momentum, momentum / n);
        runningVar.ZipInPlace<Op.Axpby>(m.Squares.Reshape(-1), 1 - momentum, momentum / Math.Max(1, n - 1));   // n·σ²/(n − 1)
        var y = xhat;
        if (weight != null)
        {
            using (xhat) y = xhat * weight.Data.Reshape(m.ChannelShape);
            y = PlusBias(y, bias, m.ChannelShape);
        }
        // x̂ is not kept for the backward, which forms it again from x (two passes): x is held anyway
        // (it is the previous layer's output), so keeping x̂ would cost a full activation per layer.
        // PyTorch's batch_norm saves x, μ and 1/σ the same way.
        return Function("batch_norm", y, weight == null ? [x] : [x, weight, bias!], (g, _, needs) =>
        {
            var xh = x.Normalized(m);
            var dBeta = g.Sum(m.Axes, keepDim: true);
            var dGamma = (g * xh).Sum(m.Axes, keepDim: true);
            var dx = needs[0] ? BatchNormInputGrad(g, x, weight, dBeta, dGamma, m, xh.Data) : null;
            return weight == null ? [dx] : [dx, needs[1] ? dGamma.Reshape(-1) : null, needs[2] ? dBeta.Reshape(-1) : null];
        }, saved: [m.Sum, m.Squares, m.InvStd]);
    }

    /// <summary>x̂ = (x − μ)/σ with the moments m of x; its gradient is batch norm's dx with γ = 1.</summary>
    Tensor Normalized(BatchMoments m)
    {
        var x = this;
        return Function("batch_norm_normalize", m.Normalize(x.Data), [x], (g, xh, _) =>
            [BatchNormInputGrad(g, x, null, g.Sum(m.Axes, keepDim: true), (g * xh).Sum(m.Axes, keepDim: true), m, xh.Data)]);
    }

    /// <summary>
    /// dx = (γ/σ)·(g − (dβ + x̂·dγ)/n) as one op of g, x, γ, dβ and dγ (dβ and dγ are ops of g and x
    /// already, so the chain rule sees through them). xhat: x̂'s values, already formed by the caller.
    /// Its backward, for a gradient v of dx (A = g − dβ/n, B = dγ/n, means per channel):
    ///   d/dg = (γ/σ)·v,  d/ddβ = −Σ(γ/σ)·v/n,  d/ddγ = −Σ(γ/σ)·v·x̂/n,  d/dγ = Σ v·dx/γ,
    ///   d/dx = −(γ/σ²)·(x̂·mean(v·A) + B·(v − mean(v) − 2·x̂·mean(v·x̂)))
    /// (σ and x̂ move with x: ∂σ⁻¹/∂xᵢ = −x̂ᵢ/(nσ²), ∂x̂ⱼ/∂xᵢ = (δᵢⱼ − 1/n − x̂ᵢx̂ⱼ/n)/σ).
    /// </summary>
    // TASK 4.4: batch norm's dx = (γ/σ)·(g − (dβ + x̂·dγ)/n) per channel (m.InvStd is 1/σ; γ = 1 if null), an op of g, x, dβ, dγ, γ
    static Tensor BatchNormInputGrad(Tensor g, Tensor x, Tensor? gamma, Tensor dBeta, Tensor dGamma, BatchMoments m, NDArray xhat)
    {
        int n = m.Count;
        NDArray dx;
        using (var xhatDGamma = xhat * dGamma.Data)
        using (var r = NDArray.Zip<Op.Axpby>("bn_grad", g.Data, xhatDGamma, 1, -1.0 / n))
        using (var centered = NDArray.Zip<Op.Axpby>("bn_grad", r, dBeta.Data, 1, -1.0 / n))
        using (var scale = gamma == null ? null : m.InvStd * gamma.Data.Reshape(m.ChannelShape))
            dx = centered * (scale ?? m.InvStd);
        Tensor[] inputs = gamma == null ? [g, x, dBeta, dGamma] : [g, x, dBeta, dGamma, gamma];
        return Function("batch_norm_backward", dx, inputs, (v, _, needs) =>
        {
            Tensor Mean(Tensor t) => t.Mean(m.Axes, keepDim: true);
            Tensor Sum(Tensor t) => t.Sum(m.Axes, keepDim: true);
            var xh = x.Normalized(m);
            var centered = x - Mean(x);
            var invStd = (Mean(centered.Square()) + m.Eps).Pow(-0.5);   // 1/σ, as a function of x
            var scale = gamma == null ? invStd : invStd * gamma.Reshape(m.ChannelShape);
            var vScaled = v * scale;
            Tensor? dX = null;
            if (needs[1])
            {
                var a = g - dBeta / n;
                var b = dGamma / n;
                var inner = xh * Mean(v * a) + b * (v - Mean(v) - 2 * xh * Mean(v * xh));
                dX = -(scale * invStd) * inner;
            }
            return [
                needs[0] ? vScaled : null,
                dX,
                needs[2] ? -Sum(vScaled) / n : null,
                needs[3] ? -Sum(vScaled * xh) / n : null,
                gamma != null && needs[4] ? (v * invStd * (g - (dBeta + xh * dGamma) / n)).Sum(m.Axes) : null];
        });
    }
}

/// <summary>
/// One batch's per-channel moments over every axis but 1, kept by batch norm's backward (two [1, C]
/// arrays, where x̂ would be a full activation): what x̂ is formed again from.
/// </summary>
internal sealed class BatchMoments
{
    public required int[] Axes { get; init; }
    /// <summary>[1, C] or [1, C, 1, 1]: a per-channel value broadcast over x.</summary>
    public required int[] ChannelShape { get; init; }
    /// <summary>n: the elements of a channel.</summary>
    public required int Count { get; init; }
    public required double Eps { get; init; }
    /// <summary>n·μ.</summary>
    public required NDArray Sum { get; init; }
    /// <summary>n·σ² (the biased variance).</summary>
    public required NDArray Squares { get; init; }
    /// <summary>1/√(σ² + ε).</summary>
    public required NDArray InvStd { get; init; }

    /// <summary>x̂ of a batch, and the moments it was normalised with. Each line is one pass (one GPU launch).</summary>
    public static NDArray Normalize(NDArray x, double eps, out BatchMoments m)
    {
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        int n = x.Numel / x.Shape[1];
        var sum = x.Sum(axes, keepDim: true);
        using var centered = NDArray.Zip<Op.Axpby>("sub_mean", x, sum, 1, -1.0 / n);   // x − μ: the 1/n rides in the coefficient
        NDArray squares;
        using (var sq = centered * centered) squares = sq.Sum(axes, keepDim: true);
        var invStd = squares.Map<Op.RsqrtScaleShift>(1.0 / n, eps);
        m = new BatchMoments
        {
            Axes = axes, ChannelShape = x.Shape.Select((d, i) => i == 1 ? d : 1).ToArray(), Count = n, Eps = eps,
            Sum = sum, Squares = squares, InvStd = invStd,
        };
        return centered * invStd;
    }

    /// <summary>x̂ formed again from x with these moments.</summary>
    public NDArray Normalize(NDArray x)
    {
        using var centered = NDArray.Zip<Op.Axpby>("sub_mean", x, Sum, 1, -1.0 / Count);
        return centered * InvStd;
    }
}
