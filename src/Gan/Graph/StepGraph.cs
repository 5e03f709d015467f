using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Graph;

/// <summary>
/// `scratch graph --model vanilla|dcgan|wgan-gp --out FILE.png [--dot FILE.dot]`: records one training
/// step of a zoo model on a tiny random batch — the discriminator's loss on a real and a detached
/// fake batch (for wgan-gp with its gradient penalty), and the generator's loss — and draws the
/// graph autograd would walk back through. Nothing is trained.
/// </summary>
public static class GraphCommand
{
    public static readonly string[] Models = ["vanilla", "dcgan", "wgan-gp"];

    /// <summary>Writes the PNG (and the DOT text if dotPath is given); 0 on success, 2 with one line on stderr otherwise.</summary>
    public static int Run(string model, string outPath, string? dotPath)
    {
        if (!Models.Contains(model))
        {
            Console.Error.WriteLine($"graph: unknown model '{model}' (choose one of {string.Join(", ", Models)})");
            return 2;
        }
        try
        {
            var graph = Step(model, batch: 2);
            GraphPng.Save(outPath, graph, $"{model}: one training step (D loss, G loss); red = recorded by a double backward");
            if (dotPath != null) AtomicFile.WriteText(dotPath, graph.ToDot(model), "graph.dot");
            int red = graph.Edges.Count(e => e.FromBackward);
            Console.WriteLine($"graph: {graph.Nodes.Count} tensors, {graph.Edges.Count} edges ({red} from a double backward) -> {outPath}{(dotPath != null ? $", {dotPath}" : "")}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>The graph of one step: roots D's loss and G's loss, recorded exactly as GanModel's DStep and GStep record them.</summary>
    public static AutogradGraph Step(string model, int batch)
    {
        var m = new GanModel(Zoo.Defaults(model), Device.Cpu);
        foreach (var (name, p) in m.D.NamedParameters("D.")) p.Name = name;
        foreach (var (name, p) in m.G.NamedParameters("G.")) p.Name = name;
        var real = Tensor.Uniform([batch, 1, 28, 28], -1, 1, g: new RandomStream(1));
        real.Name = "real";

        // D step: the fake batch comes from G without a graph (D's step must not train G).
        Tensor fake;
        using (GradMode.NoGrad()) fake = m.G.Call(m.Latent(batch).Z);
        fake.Name = "fake (detached)";
        var dLoss = GanLosses.D(m.Config.Loss, m.D.Call(real), m.D.Call(fake));
        if (m.Config.Loss == "wgan-gp") dLoss = dLoss + GanLosses.GradientPenalty(m.D, real, fake, m.Rng) * m.Config.GpLambda;
        dLoss.Name = "D loss";

        // G step: G's output flows through D into G's loss.
        var z = m.Latent(batch).Z;
        z.Name = "z";
        var gLoss = GanLosses.G(m.Config.Loss, m.D.Call(m.G.Call(z)));
        gLoss.Name = "G loss";
        return AutogradGraph.Capture(dLoss, gLoss);
    }
}
