#:project ../src/Gan/Scratch.Gan.csproj
// Lesson 4 — a multilayer perceptron learns MNIST digits: data, model, loss, backward, optimizer.
// Run: dotnet run -c Release examples/04-mlp-on-mnist.cs
//
// The 10,000 digits compiled into the program (src/Gan/Data/mnist-10k): train on the first 9,000,
// measure on the last 1,000, which the network never sees. Two passes over the data, a few seconds.
using System.Diagnostics;
using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Layers;
using Scratch.Tensors;

var data = ImageSet.Embedded();
const int train = 9000, batch = 100;
var g = new RandomStream(0);

// 784 → 128 → 10: each Linear is x·Wᵀ + b; ReLU between them; the 10 outputs are logits, one per digit.
var net = new Sequential(new Flatten(), new Linear(784, 128, g: g), new ReLU(), new Linear(128, 10, g: g));
var opt = new Adam(net.Parameters(), lr: 2e-3);
Console.WriteLine($"{data.Source}: {data.Count} digits; MLP with {net.ParameterCount:N0} parameters");

double Accuracy(int from, int to)
{
    int correct = 0;
    using (GradMode.NoGrad())          // evaluation records no graph
    using (MemoryScope.Begin())
    {
        var idx = Enumerable.Range(from, to - from).ToArray();
        var pred = net.Call(new Tensor(data.Batch(idx, 28, Device.Cpu))).ArgMax(1).ToDoubles();
        for (int k = 0; k < idx.Length; k++) if (pred[k] == data.Labels[idx[k]]) correct++;
    }
    return (double)correct / (to - from);
}

double before = Accuracy(train, data.Count);
Console.WriteLine($"held-out accuracy before training: {before:P1} (chance is 10%)");

var clock = Stopwatch.StartNew();
double firstLoss = 0, lastLoss = 0;
for (int epoch = 0; epoch < 2; epoch++)
{
    var order = new RandomStream((ulong)epoch + 1).Permutation(train);     // a fresh shuffle each epoch
    for (int step = 0; step * batch < train; step++)
        using (MemoryScope.Begin())        // the step's temporaries (activations, gradients' graph) are freed here
        {
            var idx = order.AsSpan(step * batch, batch);
            var x = new Tensor(data.Batch(idx, 28, Device.Cpu));        // [100, 1, 28, 28], pixels in [−1, 1]
            var labels = new Tensor(data.LabelBatch(idx, Device.Cpu));   // [100], the digit as a number
            var loss = Losses.CrossEntropy(net.Call(x), labels);         // softmax + negative log-likelihood, from logits
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            if (epoch == 0 && step == 0) firstLoss = loss.Item();
            lastLoss = loss.Item();
            if (step % 30 == 0 || (step + 1) * batch >= train) Console.WriteLine($"  epoch {epoch + 1}, step {step,2}: loss {loss.Item():F4}");
        }
}
double after = Accuracy(train, data.Count);
Console.WriteLine($"two epochs ({2 * train / batch} steps) in {clock.Elapsed.TotalSeconds:F1} s; held-out accuracy {after:P1}");

Claim(lastLoss < firstLoss / 3, $"the loss fell from {firstLoss:F2} to {lastLoss:F2}");
Claim(after > 0.85, $"held-out accuracy {after:P1} > 85% after two epochs (about 90% on this machine)");
Console.WriteLine("lesson 4: all claims hold");

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
