using Scratch.Autograd;
using Scratch.Gan.Images;
using Scratch.Gan.Models;
using Scratch.Gan.Training.Events;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>
/// The GAN workloads exactly as ../shared/peer/torchsharp/Program.cs defines them: batch 128, noise
/// U(−1,1)⁹⁶, real = U(−1,1) images, Adam(1e-3, 0.5, 0.999) on both nets, BCE-with-logits losses (or
/// WGAN-GP with λ = 10), one D step then one G step — run by the same GanModel the trainer uses;
/// sample-1k = 1,000 images from the DCGAN generator in eval mode; dcgan64-step = the NTU HW6 64×64
/// DCGAN on one channel, batch 64, N(0,1) noise of 100, otherwise the same. infogan-step, which
/// the peer lacks, is one InfoGAN iteration at `scratch train --model infogan`'s defaults, to see
/// where its steps go (SCRATCH_PROFILE=1, bench/matmul-rates.sh). dcgan-step-logged is dcgan-step as
/// the trainer runs it on the CPU — the losses and signals read every step and written to an event
/// file — and dcgan-epoch-events what an epoch's end adds to that file (pictures, histograms):
/// against dcgan-step they give what recording costs (docs/watching.md).
/// </summary>
internal static class BenchGan
{
    public static Action Workload(string name, Device device, int? batchSize = null)
    {
        var (model, loss) = name switch
        {
            "vanilla-step" => (ModelKind.Vanilla, LossKind.NonSaturating),
            "dcgan-step" or "sample-1k" or "dcgan-step-logged" or "dcgan-epoch-events" => (ModelKind.Dcgan, LossKind.NonSaturating),
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
        if (name is "dcgan-step-logged" or "dcgan-epoch-events") return Logged(name, gan, real);
        return () =>
        {
            using (MemoryScope.Begin())
            {
                gan.DStep(real, readLosses: false);   // no host sync inside a step: the timer's Synchronize waits once
                gan.GStep(batch, readLosses: false);
            }
        };
    }

    /// <summary>The step with everything the trainer records, or an epoch end's recording alone; the event file goes to a temporary folder.</summary>
    static Action Logged(string name, GanModel gan, Tensor real)
    {
        var dir = Directory.CreateTempSubdirectory("scratch-bench-events").FullName;
        var events = new TrainingEvents(dir, gan, 0);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { events.Dispose(); Directory.Delete(dir, true); };
        long iter = 0;
        int batch = real.Shape[0];
        StepLosses Step()
        {
            using (MemoryScope.Begin())
            {
                var d = gan.DStep(real);
                var g = gan.GStep(batch);
                return new StepLosses(d.Loss, g.Loss, d.Wasserstein, g.Info)
                    { DReal = d.Real, DFake = d.Fake, GradNormD = d.GradNorm, GradNormG = g.GradNorm, Penalty = d.Penalty };
            }
        }
        if (name == "dcgan-step-logged") return () => events.Iteration(++iter, Step(), read: true);
        Step();   // gradients for the histograms
        var grid = Path.Combine(dir, "fixed.png");
        using (MemoryScope.Begin()) Grid.SavePng(grid, gan.Generate(gan.Noise(64, new RandomStream(2))), 8);
        return () => events.EpochDone(++iter, 1.0, 1.0, grid);
    }
}
