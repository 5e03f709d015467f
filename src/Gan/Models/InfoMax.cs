using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Gan.Models;

/// <summary>
/// Information maximisation on real digits (RIM, Krause et al. 2010; IMSAT, Hu et al. 2017), an option of
/// InfoGAN (--info-max λ): Q, the network that reads InfoGAN's categorical code back from a sample, is also
/// asked to sort real images into its categories — each digit confidently into one (low mean entropy
/// H(Y|X)), the categories used equally often over a batch (high entropy H(Y) of the mean prediction), and
/// a changed copy of a digit into the same category as the digit itself: shifted by up to 2 pixels, or (--info-max-augment
/// affine) also rotated and scaled; with --info-max-vat also moved the way that changes Q most. No label is used. Q's
/// categories of real digits then tend to be the digit classes, and InfoGAN's own term teaches G to draw, for
/// each code, the digits Q puts in that category.
/// </summary>
public static class InfoMax
{
    /// <summary>IMSAT's μ: the weight of balance against confidence (its MI estimate is μ·H(Y) − H(Y|X)).</summary>
    public const double Balance = 4;
    /// <summary>
    /// The weight of shift invariance against confidence. IMSAT weighs its self-augmentation term 1 and its MI estimate
    /// λ = 0.1, so invariance counts 10 times confidence there too: without it, confident, balanced categories may as well
    /// sort digits by thickness or slant as by class.
    /// </summary>
    public const double Invariance = 10;
    /// <summary>The largest shift, in pixels, of the copy whose categories must match (as the classifier's augmentation).</summary>
    public const int MaxShift = 2;
    /// <summary>--info-max-augment affine: the largest rotation, in degrees, and the largest change of scale (0.1: 90 % to 110 %).</summary>
    public const double MaxRotationDegrees = 15, MaxScaleChange = 0.1;
    /// <summary>Images per group that share one random shift: the batch is cut in groups so that a batch sees several shifts.</summary>
    public const int ShiftGroup = 16;

    /// <summary>The three terms and their sum; each is 0 at its best (confident, balanced, shift-invariant).</summary>
    public readonly record struct Terms(Tensor Total, Tensor Confidence, Tensor Imbalance, Tensor Inconsistency);

    /// <summary>
    /// For Q's category logits of a real batch [N, K] and of its shifted copy: mean H(p(y|x)) + μ·(log K − H(mean p))
    /// + ν·mean KL(p(y|x) ∥ p(y|shifted x)), with μ = <see cref="Balance"/> and ν = <see cref="Invariance"/>. The KL's first argument is held fixed
    /// (no gradient), so the shifted copy is pulled toward the digit's own prediction, not the other way round (as IMSAT's self-augmentation).
    /// </summary>
    public static Terms Loss(Tensor logits, Tensor shiftedLogits)
    {
        int k = logits.Shape[1];
        var logP = logits.LogSoftmax(-1);
        var p = logP.Exp();
        var confidence = -(p * logP).Sum([1]).Mean();
        var mean = p.Mean([0]);
        var marginal = -(mean * mean.Clamp(1e-12, 1).Log()).Sum();
        var imbalance = Math.Log(k) - marginal;   // = KL(mean p ∥ uniform) ≥ 0
        var inconsistency = (p.Detach() * (logP.Detach() - shiftedLogits.LogSoftmax(-1))).Sum([1]).Mean();
        return new Terms(confidence + imbalance * Balance + inconsistency * Invariance, confidence, imbalance, inconsistency);
    }

    /// <summary>
    /// VAT's ξ: the length, per image, of the random probe whose gradient points toward the most damaging perturbation.
    /// Small against an image's own length (28 for a digit in [−1, 1]), large enough for float32 to resolve the change.
    /// </summary>
    public const double ProbeLength = 1;

    /// <summary>
    /// Virtual adversarial training (Miyato et al. 2018), as IMSAT uses it (--info-max-vat ε): the perturbation r of length
    /// ε per image that most changes Q's categories of the real batch x is found by one power iteration — the gradient,
    /// with respect to a random probe, of KL(p(y|x) ∥ p(y|x + probe)) — and the KL at x + r is the loss. Shifts test one
    /// kind of change a digit may undergo; this one tests the direction in which Q is most fragile. logitsOf gives Q's
    /// category logits of a batch; logits are those of x, held fixed like the shift term's.
    /// </summary>
    public static Tensor AdversarialInconsistency(Func<Tensor, Tensor> logitsOf, Tensor x, Tensor logits, double epsilon, RandomStream g)
    {
        var logP = logits.Detach().LogSoftmax(-1);
        var p = logP.Exp();
        var real = x.Detach();
        var probe = new Tensor((PerImageUnit(Tensor.Normal(x.Shape, dtype: x.DType, device: x.Device, g: g)) * ProbeLength).Data, requiresGrad: true);
        var towardDamage = Engine.Grad([Kl(p, logP, logitsOf(real + probe))], [probe])[0]!;
        var r = PerImageUnit(towardDamage.Detach()) * epsilon;
        return Kl(p, logP, logitsOf(real + r));
    }

    /// <summary>Mean over the batch of KL(p ∥ softmax(logitsQ)), p given with its log.</summary>
    static Tensor Kl(Tensor p, Tensor logP, Tensor logitsQ) => (p * (logP - logitsQ.LogSoftmax(-1))).Sum([1]).Mean();

    /// <summary>v [N, ...] with each image scaled to L2 length 1.</summary>
    static Tensor PerImageUnit(Tensor v)
    {
        int n = v.Shape[0];
        var length = (v.Reshape(n, -1).Pow(2).Sum([1]) + 1e-12).Sqrt();
        return v / length.Reshape([n, .. Enumerable.Repeat(1, v.Shape.Length - 1)]);
    }

    /// <summary>
    /// x [N, C, H, W] in [−1, 1] with each group of <see cref="ShiftGroup"/> images translated by its own random
    /// (dx, dy) in [−MaxShift, MaxShift]², the uncovered border filled with the background's −1. No gradient needed.
    /// </summary>
    public static Tensor Shifted(Tensor x, RandomStream g)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], m = MaxShift;
        var rows = Tensor.Full([n, c, m, w], -1, device: x.Device);
        var padded = Tensor.Cat([rows, x, rows], 2);
        var cols = Tensor.Full([n, c, h + 2 * m, m], -1, device: x.Device);
        padded = Tensor.Cat([cols, padded, cols], 3);
        var groups = new List<Tensor>();
        for (int at = 0; at < n; at += ShiftGroup)
        {
            int dx = g.NextInt(2 * m + 1) - m, dy = g.NextInt(2 * m + 1) - m;
            // Output pixel (y, x) reads input (y − dy, x − dx), which sits at (y − dy + m, x − dx + m) in the padded image.
            groups.Add(padded.Narrow(0, at, Math.Min(ShiftGroup, n - at)).Narrow(2, m - dy, h).Narrow(3, m - dx, w).Contiguous());
        }
        return Tensor.Cat(groups, 0);
    }
    /// <summary>
    /// --info-max-augment affine: x [N, C, H, W] in [−1, 1] with each image rotated by up to <see cref="MaxRotationDegrees"/>,
    /// scaled by 1 ± up to <see cref="MaxScaleChange"/> and shifted by up to <see cref="MaxShift"/> pixels (each drawn
    /// uniformly, per image), resampled bilinearly on the host. No gradient needed.
    /// </summary>
    public static Tensor Affine(Tensor x, RandomStream g)
    {
        int n = x.Shape[0], planes = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var pixels = x.Data.ToDoubles();
        var draws = NDArray.Uniform([n, 4], -1, 1, DType.Float64, g: g).ToDoubles();
        var output = new double[pixels.Length];
        for (int b = 0; b < n; b++)
        {
            var (angle, scale) = (draws[4 * b] * MaxRotationDegrees * Math.PI / 180, 1 + draws[4 * b + 1] * MaxScaleChange);
            for (int c = 0; c < planes; c++)
            {
                int at = (b * planes + c) * h * w;
                Warp(pixels.AsSpan(at, h * w), output.AsSpan(at, h * w), h, w, angle, scale, draws[4 * b + 2] * MaxShift,
                    draws[4 * b + 3] * MaxShift);
            }
        }
        return new Tensor(NDArray.From(output, x.Shape, x.DType, x.Device));
    }

    /// <summary>
    /// One image [H, W] rotated by angle (radians, counter-clockwise on screen), scaled about its centre and moved by
    /// (dx, dy) pixels: each output pixel reads the input, bilinearly, where the inverse transform puts it; outside is −1.
    /// </summary>
    public static void Warp(ReadOnlySpan<double> input, Span<double> output, int h, int w, double angle, double scale, double dx, double dy)
    {
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0, cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double u = x - cx - dx, v = y - cy - dy;   // the output pixel's offset from the moved centre
                double sx = cos * u - sin * v + cx, sy = sin * u + cos * v + cy;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                output[y * w + x] = (1 - fy) * ((1 - fx) * At(input, h, w, y0, x0) + fx * At(input, h, w, y0, x0 + 1))
                                  + fy * ((1 - fx) * At(input, h, w, y0 + 1, x0) + fx * At(input, h, w, y0 + 1, x0 + 1));
            }
    }

    static double At(ReadOnlySpan<double> image, int h, int w, int y, int x) => y >= 0 && y < h && x >= 0 && x < w ? image[y * w + x] : -1;
}
