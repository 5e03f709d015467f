using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Models;

/// <summary>
/// The networks of the zoo. Generators map noise [N, nz] to images [N, C, S, S] in [−1, 1] (tanh);
/// discriminators map images to one logit (or critic score) per image, [N, 1].
/// </summary>
public static class Architectures
{
    /// <summary>CS231n MLP discriminator: 784-256-256-1, LeakyReLU 0.01 (267,009 parameters).</summary>
    public static Sequential MlpD(RandomStream? g = null) => new(
        new Flatten(), new Linear(784, 256, g: g), new LeakyReLU(0.01), new Linear(256, 256, g: g), new LeakyReLU(0.01), new Linear(256, 1, g: g));

    /// <summary>CS231n MLP generator: nz-1024-1024-784, ReLU, tanh.</summary>
    public static Sequential MlpG(int nz, RandomStream? g = null) => new(
        new Linear(nz, 1024, g: g), new ReLU(), new Linear(1024, 1024, g: g), new ReLU(), new Linear(1024, 784, g: g), new Tanh(),
        new Unflatten(1, 28, 28));

    /// <summary>CS231n MNIST DCGAN discriminator: two 5×5 convs with max-pooling, then 1024-1024-1 (1,102,721 parameters).</summary>
    public static Sequential DcganD(RandomStream? g = null) => new(
        new Conv2d(1, 32, 5, g: g), new LeakyReLU(0.01), new MaxPool2d(2, 2),
        new Conv2d(32, 64, 5, g: g), new LeakyReLU(0.01), new MaxPool2d(2, 2),
        new Flatten(), new Linear(1024, 1024, g: g), new LeakyReLU(0.01), new Linear(1024, 1, g: g));

    /// <summary>CS231n MNIST DCGAN generator: FC 1024, FC 7·7·128 (each ReLU + BatchNorm), two stride-2 transposed convs to 28×28.</summary>
    public static Sequential DcganG(int nz, RandomStream? g = null) => new(
        new Linear(nz, 1024, g: g), new ReLU(), new BatchNorm1d(1024),
        new Linear(1024, 7 * 7 * 128, g: g), new ReLU(), new BatchNorm1d(7 * 7 * 128),
        new Unflatten(128, 7, 7),
        new ConvTranspose2d(128, 64, 4, stride: 2, padding: 1, g: g), new ReLU(), new BatchNorm2d(64),
        new ConvTranspose2d(64, 1, 4, stride: 2, padding: 1, g: g), new Tanh());

    /// <summary>
    /// NTU ML 2021 HW6 64×64 generator (feature_dim 64): Linear (no bias) to 4×4×512 + BatchNorm1d +
    /// ReLU, three 5×5 stride-2 transposed convs (padding 2, output_padding 1, no bias) + BN + ReLU, a
    /// last one to C channels (1 grey, 3 RGB) + tanh.
    /// </summary>
    public static Sequential Dcgan64G(int nz, int channels = 1, RandomStream? g = null)
    {
        const int dim = 64;
        static Module[] Up(int i, int o, RandomStream? g) =>
            [new ConvTranspose2d(i, o, 5, stride: 2, padding: 2, outputPadding: 1, bias: false, g: g), new BatchNorm2d(o), new ReLU()];
        return new Sequential([
            new Linear(nz, dim * 8 * 4 * 4, bias: false, g: g), new BatchNorm1d(dim * 8 * 4 * 4), new ReLU(), new Unflatten(dim * 8, 4, 4),
            .. Up(dim * 8, dim * 4, g), .. Up(dim * 4, dim * 2, g), .. Up(dim * 2, dim, g),
            new ConvTranspose2d(dim, channels, 5, stride: 2, padding: 2, outputPadding: 1, g: g), new Tanh()]);
    }

    /// <summary>
    /// NTU HW6 64×64 discriminator on C channels: 5×5 stride-2 convs with LeakyReLU 0.2 (BatchNorm
    /// after all but the first), a final 4×4 conv to one score — no sigmoid: the losses take raw
    /// scores, which is also what a WGAN critic needs. A WGAN-GP critic must not use BatchNorm (the
    /// penalty is per sample, and batch statistics mix samples), so critic=true swaps it for
    /// InstanceNorm2d with a learnt scale and shift, as the WGAN-GP paper suggests.
    /// </summary>
    public static Sequential Dcgan64D(int channels = 1, bool critic = false, RandomStream? g = null)
    {
        const int dim = 64;
        Module Norm(int c) => critic ? new InstanceNorm2d(c, affine: true) : new BatchNorm2d(c);
        Module[] Down(int i, int o) => [new Conv2d(i, o, 5, stride: 2, padding: 2, g: g), Norm(o), new LeakyReLU(0.2)];
        return new Sequential([
            new Conv2d(channels, dim, 5, stride: 2, padding: 2, g: g), new LeakyReLU(0.2),
            .. Down(dim, dim * 2), .. Down(dim * 2, dim * 4), .. Down(dim * 4, dim * 8),
            new Conv2d(dim * 8, 1, 4, g: g), new Flatten()]);
    }

    /// <summary>DIM in gan_mnist.py: the critic's first conv has DIM channels, the generator's last hidden layer too.</summary>
    public const int WganGpMnistWidth = 64;

    /// <summary>
    /// Gulrajani et al.'s WGAN-GP MNIST critic (improved_wgan_training, gan_mnist.py, DIM 64): three 5×5
    /// stride-2 convs 28 → 14 → 7 → 4 (DIM, 2·DIM, 4·DIM channels) with LeakyReLU 0.2 and no
    /// normalisation (the gradient penalty is per sample; batch statistics would mix samples), then
    /// one linear score. The cost of a step grows as DIM².
    /// </summary>
    public static Sequential WganGpMnistD(int dim = WganGpMnistWidth, RandomStream? g = null)
    {
        return new Sequential(
            new Conv2d(1, dim, 5, stride: 2, padding: 2, g: g), new LeakyReLU(0.2),
            new Conv2d(dim, 2 * dim, 5, stride: 2, padding: 2, g: g), new LeakyReLU(0.2),
            new Conv2d(2 * dim, 4 * dim, 5, stride: 2, padding: 2, g: g), new LeakyReLU(0.2),
            new Flatten(), new Linear(4 * 4 * 4 * dim, 1, g: g));
    }

    /// <summary>
    /// Gulrajani et al.'s WGAN-GP MNIST generator: linear to 4·DIM × 4 × 4, then 5×5 stride-2 transposed
    /// convs 4 → 8 (cropped to 7) → 14 → 28, ReLU between, no BatchNorm (the file uses it only in its
    /// 'wgan' mode). The last activation is tanh where the file has a sigmoid: our images are in [−1, 1].
    /// </summary>
    public static Sequential WganGpMnistG(int nz, int dim = WganGpMnistWidth, RandomStream? g = null)
    {
        static ConvTranspose2d Up(int i, int o, RandomStream? g) => new(i, o, 5, stride: 2, padding: 2, outputPadding: 1, g: g);
        return new Sequential(
            new Linear(nz, 4 * 4 * 4 * dim, g: g), new ReLU(), new Unflatten(4 * dim, 4, 4),
            Up(4 * dim, 2 * dim, g), new ReLU(), new Crop2d(7, 7),
            Up(2 * dim, dim, g), new ReLU(),
            Up(dim, 1, g), new Tanh());
    }
}

/// <summary>
/// InfoGAN's discriminator (Chen et al. 2016, MNIST): a shared conv trunk with two heads — D, one
/// real/fake logit, and Q, which recovers the latent codes: 10 categorical logits and, for each of
/// the 2 continuous codes, a mean and a log-variance (unused when Q's variance is fixed at 1, as in
/// openai/InfoGAN, whose Q also outputs both).
/// </summary>
public sealed class InfoGanD : Module
{
    public Sequential Trunk { get; }
    public Linear DHead { get; }
    public Sequential QHead { get; }
    public const int Categories = 10, Continuous = 2;

    /// <param name="leak">LeakyReLU slope: the paper says 0.1, openai/InfoGAN's code uses 0.01 (leaky_rectify's default).</param>
    public InfoGanD(RandomStream? g = null, double leak = 0.1)
    {
        Trunk = Child("trunk", new Sequential(
            new Conv2d(1, 64, 4, stride: 2, padding: 1, g: g), new LeakyReLU(leak),
            new Conv2d(64, 128, 4, stride: 2, padding: 1, g: g), new BatchNorm2d(128), new LeakyReLU(leak),
            new Flatten(), new Linear(128 * 7 * 7, 1024, g: g), new BatchNorm1d(1024), new LeakyReLU(leak)));
        DHead = Child("d", new Linear(1024, 1, g: g));
        QHead = Child("q", new Sequential(new Linear(1024, 128, g: g), new BatchNorm1d(128), new LeakyReLU(leak),
            new Linear(128, Categories + 2 * Continuous, g: g)));
    }

    public override Tensor Forward(Tensor x) => DHead.Call(Trunk.Call(x));

    /// <summary>The D logit and Q's outputs from one pass through the trunk.</summary>
    public (Tensor D, Tensor Q) Both(Tensor x)
    {
        var h = Trunk.Call(x);
        return (DHead.Call(h), QHead.Call(h));
    }

    /// <summary>InfoGAN's generator: FC 1024, FC 7·7·128 (BN + ReLU), two stride-2 transposed convs.</summary>
    public static Sequential MakeGenerator(int nz, RandomStream? g = null) => new(
        new Linear(nz, 1024, g: g), new BatchNorm1d(1024), new ReLU(),
        new Linear(1024, 7 * 7 * 128, g: g), new BatchNorm1d(7 * 7 * 128), new ReLU(), new Unflatten(128, 7, 7),
        new ConvTranspose2d(128, 64, 4, stride: 2, padding: 1, g: g), new BatchNorm2d(64), new ReLU(),
        new ConvTranspose2d(64, 1, 4, stride: 2, padding: 1, g: g), new Tanh());
}
