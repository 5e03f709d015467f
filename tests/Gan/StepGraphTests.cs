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
        // Vanilla's D has no BatchNorm, so GanModel.DLoss concatenates real and fake and runs D once:
        // D's first weight feeds one matmul, not one per batch.
        var g = StepGraph.Capture(ModelKind.Vanilla, batch: 2);
        Assert.Contains(g.Nodes, n => n.Op == "cat");
        var dWeight = g.Nodes.Single(n => n.Name == "D.1.weight");
        // Used by the D step's one joint pass; the G step runs D with its weights frozen, recording no edge from them.
        Assert.Equal(1, g.Edges.Count(e => e.From == dWeight.Id));
    }
}
