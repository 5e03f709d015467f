using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Graph;

/// <summary>
/// The autograd graph of one training step of a zoo model on a tiny random batch, recorded by the
/// step's own code (<see cref="GanModel.DLoss"/>, and <see cref="GanModel.GLoss"/> with D frozen),
/// so the picture shows what training records: D's loss on real and detached fake images (one joint
/// pass where D has no BatchNorm; for wgan-gp with its gradient penalty) and G's loss. Nothing is trained.
/// </summary>
public static class StepGraph
{
    /// <summary>The models `scratch graph` draws: one of each kind of step (MLP, conv with a joint D pass, double backward).</summary>
    public static readonly ModelKind[] Models = [ModelKind.Vanilla, ModelKind.Dcgan, ModelKind.WganGp];

    public static AutogradGraph Capture(ModelKind model, int batch)
    {
        var m = new GanModel(Zoo.Defaults(model), Device.Cpu);
        foreach (var (name, p) in m.D.NamedParameters("D.")) p.Name = name;
        foreach (var (name, p) in m.G.NamedParameters("G.")) p.Name = name;
        var c = m.Config;
        var real = Tensor.Uniform([batch, c.Channels, c.ImageSize, c.ImageSize], -1, 1, g: new RandomStream(1));
        real.Name = "real";

        var d = m.DLoss(real);
        d.Fake.Name = "fake (detached)";
        d.Loss.Name = "D loss";

        Tensor gLoss;
        using (m.FreezeD())
        {
            var g = m.GLoss(batch);
            g.Z.Name = "z";
            gLoss = g.Loss;
        }
        gLoss.Name = "G loss";
        return AutogradGraph.Capture(d.Loss, gLoss);
    }
}
