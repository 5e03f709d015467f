using Scratch.Autograd;
using Scratch.Layers;

namespace Scratch.Gan.Models;

/// <summary>
/// The adversarial losses, on the discriminator's raw outputs (logits or critic scores).
/// D's loss takes scores on a real and a fake batch; G's loss takes scores on a fake batch.
/// Derivations are in docs/gans.md.
/// </summary>
public static class GanLosses
{
    static Tensor Ones(Tensor like) => like.OnesLike();
    static Tensor Zeros(Tensor like) => like.ZerosLike();

    // TASK 5.2: D's loss for each LossKind: BCE with logits vs 1 (real), 0 (fake); ½(D(x)−1)² + ½D(G(z))²; E[D(G(z))] − E[D(x)]
    public static Tensor D(LossKind loss, Tensor real, Tensor fake) => loss switch
    {
        // −log D(x) − log(1 − D(G(z))), with D = σ(logit): the classifier's cross-entropy.
        LossKind.NonSaturating or LossKind.Minimax => Losses.BceWithLogits(real, Ones(real)) + Losses.BceWithLogits(fake, Zeros(fake)),
        // ½(D(x) − 1)² + ½ D(G(z))²: least squares pulls scores to the targets 1 and 0.
        LossKind.LeastSquares => (real - 1).Pow(2).Mean() * 0.5 + fake.Pow(2).Mean() * 0.5,
        // The critic maximises E[D(x)] − E[D(G(z))], an estimate of the Wasserstein-1 distance.
        LossKind.Wasserstein or LossKind.WassersteinGp => fake.Mean() - real.Mean(),
    };

    // TASK 5.3: G's loss for each LossKind: BCE(fake, 1); minimax −BCE(fake, 0); ½(D(G(z))−1)²; the critic's −E[D(G(z))]
    public static Tensor G(LossKind loss, Tensor fake) => loss switch
    {
        // Non-saturating: maximise log D(G(z)) — strong gradients while D still wins easily.
        LossKind.NonSaturating => Losses.BceWithLogits(fake, Ones(fake)),
        // Minimax: minimise log(1 − D(G(z))) = −BCE(fake, 0); its gradient vanishes when D is confident.
        LossKind.Minimax => -Losses.BceWithLogits(fake, Zeros(fake)),
        LossKind.LeastSquares => (fake - 1).Pow(2).Mean() * 0.5,
        LossKind.Wasserstein or LossKind.WassersteinGp => -fake.Mean(),
    };

    /// <summary>
    /// WGAN-GP's gradient penalty, E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] on x̂ = αx + (1 − α)x̃, α ~ U(0, 1) per sample.
    /// ∇ₓ̂ D is computed with createGraph, so the penalty's own gradient (a second derivative)
    /// reaches the critic's weights.
    /// </summary>
    // TASK 6.1: x̂ = αx + (1−α)x̃, α ~ U(0,1) per sample; ∇ₓ̂ D(x̂) by Engine.Grad with createGraph; mean of (‖∇‖₂ − 1)²
    public static Tensor GradientPenalty(Module critic, Tensor real, Tensor fake, Scratch.Tensors.RandomStream g)
    {
        int n = real.Shape[0];
        var alphaShape = real.Shape.Select((d, i) => i == 0 ? n : 1).ToArray();
        var alpha = Tensor.Uniform(alphaShape, 0, 1, real.DType, real.Device, g);
        var mix = new Tensor((alpha * real.Detach() + (1 - alpha) * fake.Detach()).Data, requiresGrad: true);
        var score = critic.Call(mix);
        var grad = Engine.Grad([score], [mix], [score.OnesLike()], createGraph: true)[0]!;
        var norm = (grad.Reshape(n, -1).Pow(2).Sum([1]) + 1e-12).Sqrt();
        return (norm - 1).Pow(2).Mean();
    }
}
