using FsCheck.Xunit;
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

/// <summary>
/// Freeing by last use, checked on random small graphs: with released buffers poisoned (NaN) and the
/// pool refusing a buffer returned twice, every gradient equals the one computed with nothing freed
/// early, and when the step's scope ends every buffer it made is back in the pool exactly once
/// (live bytes return to what the leaves and their gradients hold). Plain backward, retained graphs,
/// Grad of chosen inputs and double backward (createGraph, as WGAN-GP), on every backend.
/// </summary>
[Collection("serial")]
public class ReleaseOnceTests
{
    [Property(MaxTest = 40)] public void On_cpu(int seed) => Holds(Device.Cpu, seed);
    [Property(MaxTest = 12)] public void On_the_reference_backend(int seed) => Holds(Device.Reference, seed);
    [Property(MaxTest = 4)] public void On_ilgpu(int seed) => Holds(Devices.Ilgpu, seed);

    static void Holds(Device d, int seed)
    {
        var expected = Run(d, seed, free: false, out _);
        bool poison = MemoryStats.Poison;
        MemoryStats.Poison = true;
        try
        {
            var actual = Run(d, seed, free: true, out long leaked);
            Assert.True(leaked == 0, $"seed {seed}: {leaked} bytes still live after the scope");
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.DoesNotContain(actual[i], double.IsNaN);
                Check.Close(expected[i], actual[i], 1e-6, 1e-7, $"seed {seed}, result {i}");
            }
        }
        finally { MemoryStats.Poison = poison; }
    }

    // One random graph and one of the four ways through it; returns every gradient computed.
    // leaked: live bytes after the scope beyond the leaves and their Grads (0 when all was released).
    static List<double[]> Run(Device d, int seed, bool free, out long leaked)
    {
        var rng = new Random(seed);
        var g = new RandomStream((ulong)seed);
        T Leaf(params int[] shape) => T.Uniform(shape, -1, 1, device: d, g: g, requiresGrad: true);
        var a = Leaf(2, 3); var b = Leaf(3, 3); var c = Leaf(3); var img = Leaf(2, 2, 4, 4);
        var w = Leaf(3, 2, 3, 3); var wt = Leaf(3, 2, 2, 2); var bias = Leaf(2);
        var norm = new BatchNorm1d(3).To(d);
        T[] leaves = [a, b, c, img, w, wt, bias, .. norm.Parameters()];
        var stats = MemoryStats.For(d);
        long before = stats.LiveBytes;
        int mode = rng.Next(4);
        var results = new List<double[]>();
        bool wasFree = Engine.FreeAsYouGo;
        Engine.FreeAsYouGo = free;
        try
        {
            using (MemoryScope.Begin())
            {
                var pool = new List<T> { a };
                for (int k = rng.Next(3, 9); k > 0; k--) pool.Add(Op(rng.Next(13), Pick(rng, pool), Pick(rng, pool), b, c, img, w, wt, bias, norm));
                var loss = pool.Skip(1).Aggregate(pool[^1].Sum(), (s, t) => s + t.Square().Sum() * 0.1);
                switch (mode)
                {
                    case 0: loss.Backward(); break;
                    case 1: loss.Backward(retainGraph: true); loss.Backward(); break;
                    case 2:   // WGAN-GP's shape: a gradient's norm enters the loss
                        var ga = Engine.Grad([loss], [a, img], createGraph: true, allowUnused: true);
                        (loss + ga[0]!.Square().Sum() + ga[1]!.Square().Sum()).Backward();
                        break;
                    default:
                        // pool[1] is a target inside the graph: its gradient must survive its node's backward.
                        foreach (var r in Engine.Grad([loss], [a, w, img, pool[1]], allowUnused: true)) results.Add(r!.ToDoubles());
                        break;
                }
            }
            results.AddRange(leaves.Where(l => l.Grad != null).Select(l => l.Grad!.ToDoubles()));
            var held = leaves.Where(l => l.Grad != null).Select(l => l.Grad!.Data.Storage).Distinct().Sum(s => s.Bytes);
            leaked = stats.LiveBytes - before - held;
            foreach (var l in leaves) l.Grad = null;
            return results;
        }
        finally { Engine.FreeAsYouGo = wasFree; }
    }

    static T Pick(Random rng, List<T> pool) => pool[rng.Next(pool.Count)];

    // Every result is [2, 3]; together they cover views, broadcasts, the convolutions, max-pooling, BatchNorm and
    // ops whose backward reads their input, their output or neither.
    static T Op(int which, T p, T q, T b, T c, T img, T w, T wt, T bias, Module norm) => which switch
    {
        0 => p + q,
        1 => p * q,
        2 => p - q.Tanh(),
        3 => p.MatMul(b),
        4 => p + c,
        5 => p.Sigmoid() * 2 - 1,
        6 => p.LeakyRelu(0.2) + q.Reshape(3, 2).Transpose().Transpose().Reshape(2, 3),
        7 => (img * p.Sum()).Conv2d(w, null, 1, 1).Mean([2, 3]),
        8 => p.Reshape(2, 3, 1, 1).ConvTranspose2d(wt, bias, 2).Sum([1, 2, 3]).Reshape(2, 1).Expand(2, 3) + q,
        9 => norm.Call(p * q),
        10 => img.Conv2d(w, c, 2, 1).Sum([2, 3]) * p,
        11 => (img * q.Sum()).MaxPool2d(2).Sum([1, 2, 3]).Reshape(2, 1).Expand(2, 3) * p,   // saves its argmax alone
        _ => p.Exp() / (q.Square() + 1),
    };
}
