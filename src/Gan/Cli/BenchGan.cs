using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>
/// The GAN workloads exactly as ../shared/peer/torchsharp/Program.cs defines them: batch 128, noise
/// 96, real = U(0,1)·2 − 1 [128, 784], Adam(1e-3, 0.5, 0.999) on both nets, BCE-with-logits losses
/// (or WGAN-GP with λ = 10), one D step then one G step; sample-1k = 1,000 images from G in eval mode.
/// </summary>
internal static class BenchGan
{
    const int B = 128, NZ = 96;

    public static Action Workload(string name, Device device)
    {
        var g = new Generator(0);
        switch (name)
        {
            case "vanilla-step": return Step(Architectures.MlpD(g), Architectures.MlpG(NZ, g), gp: false, device);
            case "dcgan-step": return Step(Architectures.DcganD(g), Architectures.DcganG(NZ, g), gp: false, device);
            case "wgan-gp-step": return Step(Architectures.DcganD(g), Architectures.DcganG(NZ, g), gp: true, device);
            case "sample-1k":
                var G = Architectures.DcganG(NZ, g); G.To(device); G.Eval();
                return () =>
                {
                    using (MemoryScope.Begin())
                    using (GradMode.NoGrad())
                        G.Call(Tensor.Uniform([1000, NZ], -1, 1, device: device, g: g)).Data.Reshape(-1).Narrow(0, 0, 1).Item();   // reading one value waits for a GPU to finish
                };
            default: throw new UsageException($"bench: unknown workload '{name}'");
        }
    }

    static Action Step(Module D, Module G, bool gp, Device device)
    {
        D.To(device); G.To(device);
        var g = new Generator(1);
        var oD = new Adam(D.Parameters(), 1e-3, 0.5, 0.999); var oG = new Adam(G.Parameters(), 1e-3, 0.5, 0.999);
        var real = new Tensor(NDArray.Uniform([B, 1, 28, 28], -1, 1, device: device, g: g));
        return () =>
        {
            using var scope = MemoryScope.Begin();
            oD.ZeroGrad();
            Tensor fake;
            using (GradMode.NoGrad()) fake = G.Call(Tensor.Uniform([B, NZ], -1, 1, device: device, g: g));
            Tensor lD;
            if (!gp) { var sr = D.Call(real); lD = Losses.BceWithLogits(sr, sr.OnesLike()) + Losses.BceWithLogits(D.Call(fake), sr.ZerosLike()); }
            else lD = D.Call(fake).Mean() - D.Call(real).Mean() + GanLosses.GradientPenalty(D, real, fake, g) * 10;
            lD.Backward(); oD.Step();
            oG.ZeroGrad();
            foreach (var p in D.Parameters()) p.RequiresGrad = false;
            var sG = D.Call(G.Call(Tensor.Uniform([B, NZ], -1, 1, device: device, g: g)));
            var lG = gp ? -sG.Mean() : Losses.BceWithLogits(sG, sG.OnesLike());
            lG.Backward(); oG.Step();
            foreach (var p in D.Parameters()) p.RequiresGrad = true;
            lG.Item();
        };
    }
}
