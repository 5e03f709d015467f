using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>
/// The GAN workloads exactly as ../shared/peer/torchsharp/Program.cs defines them: batch 128, noise
/// U(−1,1)⁹⁶, real = U(−1,1) images, Adam(1e-3, 0.5, 0.999) on both nets, BCE-with-logits losses (or
/// WGAN-GP with λ = 10), one D step then one G step — run by the same GanModel the trainer uses;
/// sample-1k = 1,000 images from the DCGAN generator in eval mode; dcgan64-step = the NTU HW6 64×64
/// DCGAN on one channel, batch 64, N(0,1) noise of 100, otherwise the same. infogan-step, which
/// the peer lacks, is one InfoGAN iteration at `scratch train --model infogan`'s defaults, to see
/// where its steps go (SCRATCH_PROFILE=1, bench/matmul-rates.sh).
/// </summary>
internal static class BenchGan
{
    public static Action Workload(string name, Device device, int? batchSize = null)
    {
        var (model, loss) = name switch
        {
            "vanilla-step" => (ModelKind.Vanilla, LossKind.NonSaturating),
            "dcgan-step" or "sample-1k" => (ModelKind.Dcgan, LossKind.NonSaturating),
            "wgan-gp-step" => (ModelKind.Dcgan, LossKind.WassersteinGp),
            "dcgan64-step" => (ModelKind.Dcgan64, LossKind.NonSaturating),
            "infogan-step" => (ModelKind.InfoGan, LossKind.NonSaturating),
            _ => throw new UsageException($"bench: unknown workload '{name}'"),
        };
        // The peer's 64×64 workload is the NTU HW6 DCGAN on one channel: batch 64, N(0, 1) noise of 100.
        bool hw6 = model == ModelKind.Dcgan64;
        int batch = batchSize ?? (hw6 ? 64 : 128), side = hw6 ? 64 : 28;
        var defaults = Zoo.Defaults(model) with { BatchSize = batch };
        // InfoGAN has no peer workload: it runs at its own defaults (`scratch train --model infogan`).
        var config = model == ModelKind.InfoGan ? defaults : defaults with
        {
            Loss = loss, NoiseDim = hw6 ? 100 : 96, Noise = hw6 ? NoiseKind.Normal : NoiseKind.Uniform, Optimizer = OptimizerKind.Adam,
            LrD = 1e-3, LrG = 1e-3, Beta1 = 0.5, Beta2 = 0.999, GpLambda = 10,
        };
        var gan = new GanModel(config, device);
        if (name == "sample-1k")
            return () =>
            {
                using (MemoryScope.Begin())
                    gan.Generate(gan.Noise(1000)).Reshape(-1).Narrow(0, 0, 1).Item();   // reading one value waits for a GPU to finish
            };
        var real = new Tensor(NDArray.Uniform([batch, 1, side, side], -1, 1, device: device, g: new RandomStream(1)));
        return () =>
        {
            using (MemoryScope.Begin())
            {
                gan.DStep(real, readLosses: false);   // no host sync inside a step: the timer's Synchronize waits once
                gan.GStep(batch, readLosses: false);
            }
        };
    }
}
