using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Layers;

public class MnistClassifierTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // End to end: layers, losses, optimizer and data together. A small CNN, 2 epochs on 8,000
    // digits, judged on the 2,000 it never saw.
    [Fact]
    public void A_small_cnn_reaches_95_percent_on_held_out_digits_in_two_epochs()
    {
        var data = ImageSet.Embedded();
        var g = new RandomStream(1);
        var net = new Sequential(
            new Conv2d(1, 16, 5, g: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 32, 5, g: g), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(32 * 4 * 4, 64, g: g), new ReLU(), new Dropout(0.1, g), new Linear(64, 10, g: g));
        var opt = new Adam(net.Parameters(), 2e-3);
        const int train = 8000, batch = 64;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var order = new RandomStream((ulong)epoch + 7).Permutation(train);
            for (int b = 0; b + batch <= train; b += batch)
                using (MemoryScope.Begin())
                {
                    var idx = order.AsSpan(b, batch);
                    var loss = Losses.CrossEntropy(net.Call(new T(data.Batch(idx, 28, Device.Cpu))), new T(data.LabelBatch(idx, Device.Cpu)));
                    opt.ZeroGrad(); loss.Backward(); opt.Step();
                }
        }
        net.Eval();
        int correct = 0;
        using (GradMode.NoGrad())
            for (int b = train; b < data.Count; b += 500)
                using (MemoryScope.Begin())
                {
                    var idx = Enumerable.Range(b, 500).ToArray();
                    var pred = net.Call(new T(data.Batch(idx, 28, Device.Cpu))).ArgMax(1).ToDoubles();
                    correct += idx.Where((i, k) => pred[k] == data.Labels[i]).Count();
                }
        double acc = correct / 2000.0;
        output.WriteLine($"held-out accuracy after 2 epochs: {acc:P2}");
        Assert.True(acc >= 0.95, $"held-out accuracy {acc:P1}");
    }
}
