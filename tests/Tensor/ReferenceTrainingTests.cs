using Scratch.Gan.Models;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Tensor;

/// <summary>
/// The primitives equal the reference one call at a time (ReferenceTests); here a whole training
/// step — forward, backward, Adam — on the fast CPU backend and on cpu-ref gives the same losses:
/// differences of single calls do not add up over the ~100 calls of a step.
/// </summary>
public class ReferenceTrainingTests
{
    [Fact]
    public void A_vanilla_gan_step_gives_the_same_losses_on_cpu_and_cpu_ref()
    {
        (double D, double G, double D2) Step(Device device)
        {
            var c = Zoo.Defaults(ModelKind.Vanilla) with { BatchSize = 4, Seed = 3 };
            var gan = new GanModel(c, device);   // the same initial weights: they are drawn on the CPU, then moved
            var real = new T(NDArray.Uniform([4, 1, 28, 28], -1, 1, device: device, g: new RandomStream(9)));
            var d = gan.DStep(real).Loss;
            var g = gan.GStep(4).Loss;
            var d2 = gan.DStep(real).Loss;       // after one Adam step of each network
            return (d, g, d2);
        }
        var fast = Step(Device.Cpu);
        var reference = Step(Device.Reference);
        // float32 throughout: sums in another order (the GEMM, SIMD reductions) differ in the last bits.
        Check.Close([reference.D, reference.G, reference.D2], [fast.D, fast.G, fast.D2], 1e-4, 1e-5, "losses D, G, D after a step (cpu-ref → cpu)");
    }
}
