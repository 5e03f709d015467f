using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

public enum Reduction { Mean, Sum }

/// <summary>
/// Loss functions. The ones on logits are fused ops with their own stable formulas, written with
/// <see cref="Tensor.Function"/>: the forward never takes exp of a large number, the backward is the
/// tidy closed form (σ(x) − y, softmax − onehot), itself made of differentiable ops.
/// </summary>
public static class Losses
{
    static Tensor Reduce(Tensor t, Reduction r) => r == Reduction.Mean ? t.Mean() : t.Sum();

    static void SameShape(string op, Tensor a, Tensor b)
    {
        if (!Shape.Same(a.Shape, b.Shape)) throw new ArgumentException($"{op}: input {a.ShapeStr} and target {b.ShapeStr} differ in shape");
    }

    /// <summary>
    /// Binary cross-entropy on probabilities; logs are clamped at −100 as in PyTorch, so p = 0 or 1
    /// stays finite. The gradient is PyTorch's closed form (p − y)/max(p(1 − p), 1e-12): composed
    /// from log and clamp it would be 0/0 = NaN at p = 1 exactly, which float32 reaches for logits
    /// above ~16.6 (examples/07 shows where).
    /// </summary>
    public static Tensor Bce(Tensor p, Tensor y, Reduction r = Reduction.Mean)
    {
        SameShape("bce", p, y);
        var logP = p.Data.Log().Clamp(-100, double.MaxValue);
        var log1mP = (1 - p.Data).Log().Clamp(-100, double.MaxValue);
        var elem = -(y.Data * logP + (1 - y.Data) * log1mP);
        var per = Tensor.Function("bce", elem, [p, y], (g, _, needs) => [
            needs[0] ? g * (p - y) / Tensor.Maximum(p * (1 - p), new Tensor(NDArray.Full([], 1e-12, p.DType, p.Device))) : null,
            needs[1] ? g * new Tensor(log1mP - logP) : null]);
        return Reduce(per, r);
    }

    /// <summary>
    /// BCE on logits x: max(x, 0) − x·y + log(1 + e^(−|x|)), finite for any x (even ±1e4);
    /// gradient (σ(x) − y) per element.
    /// </summary>
    public static Tensor BceWithLogits(Tensor x, Tensor y, Reduction r = Reduction.Mean)
    {
        SameShape("bce_with_logits", x, y);
        var elem = NDArray.Zip<Op.BceWithLogits>("bce_with_logits", x.Data, y.Data);   // one pass (one GPU launch), not nine
        var per = Tensor.Function("bce_with_logits", elem, [x, y],
            // TASK 5.1: BCE with logits' backward: ∂/∂x = σ(x) − y, ∂/∂y = −x, each times g (null where needs[i] is false)
            (g, _, needs) => [
            needs[0] ? g * (x.Sigmoid() - y) : null,
            needs[1] ? g * -x : null]);
        return Reduce(per, r);
    }

    public static Tensor Mse(Tensor x, Tensor y, Reduction r = Reduction.Mean)
    {
        var yb = y.Shape.SequenceEqual(x.Shape) ? y : y.Expand(x.Shape);
        return Reduce((x - yb).Pow(2), r);
    }

    /// <summary>Cross-entropy of logits [N, C] against class labels [N] (as numbers): −log softmax at the label.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, Reduction r = Reduction.Mean)
    {
        if (logits.Rank != 2 || labels.Rank != 1 || labels.Shape[0] != logits.Shape[0])
            throw new ArgumentException($"cross_entropy: logits {logits.ShapeStr} must be [N,C] and labels {labels.ShapeStr} [N]");
        var nll = -(logits.LogSoftmax(-1) * labels.OneHot(logits.Shape[1])).Sum([1]);
        return Reduce(nll, r);
    }

    /// <summary>Gaussian negative log-likelihood, ½(log σ² + (x − μ)²/σ²) (PyTorch's GaussianNLLLoss without the constant).</summary>
    public static Tensor GaussianNll(Tensor mean, Tensor target, Tensor variance, Reduction r = Reduction.Mean, double eps = 1e-6)
    {
        var v = variance.Clamp(eps, double.MaxValue);
        return Reduce(((v.Log() + (target - mean).Pow(2) / v) * 0.5), r);
    }
}
