using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Gan;

/// <summary>
/// GanModel.DStep scores real and fake in one batch when D has no BatchNorm. That is only a speed-up
/// if the loss is the one the two separate passes give: checked here against exactly that.
/// </summary>
public class JointDiscriminatorTests
{
    [Theory]
    [InlineData(ModelKind.Dcgan)]
    [InlineData(ModelKind.Vanilla)]
    [InlineData(ModelKind.Wgan)]
    public void One_pass_over_real_and_fake_gives_the_two_pass_loss(ModelKind name)
    {
        var config = Zoo.Defaults(name) with { Seed = 11 };
        var joint = new GanModel(config, Device.Cpu);
        var apart = new GanModel(config, Device.Cpu);     // same seed: same weights, same random stream
        var real = T.Uniform([8, 1, 28, 28], -1, 1, g: new RandomStream(2));

        double jointLoss = joint.DStep(real).Loss;

        T fake;
        using (GradMode.NoGrad()) fake = apart.G.Call(apart.Latent(8).Z);
        double apartLoss = GanLosses.D(config.Loss, apart.D.Call(real), apart.D.Call(fake)).Item();
        Assert.Equal(apartLoss, jointLoss, 4);
    }
}
