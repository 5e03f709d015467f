using Scratch.Gan.Graph;
using Scratch.Gan.Models;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>`scratch graph` draws what a training step records, because it runs the step's own code.</summary>
public class StepGraphTests
{
    [Fact]
    public void Without_batchnorm_the_picture_shows_d_scoring_real_and_fake_in_one_joint_pass()
    {
        // Vanilla's D has no BatchNorm, so GanModel.DLoss concatenates the 2 real and 2 fake images
        // and runs D once: its first layer makes one [4×256] output, not two of [2×256].
        var g = StepGraph.Capture(ModelKind.Vanilla, batch: 2);
        var dWeight = g.Nodes.Single(n => n.Name == "D.1.weight");
        var firstLayer = g.Edges.Where(e => e.From == dWeight.Id).Select(e => g.Nodes[e.To]).ToList();
        Assert.Contains(firstLayer, n => n.Shape.SequenceEqual([4, 256]));
    }
}
