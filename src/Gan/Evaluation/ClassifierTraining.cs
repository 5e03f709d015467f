using System.Diagnostics;
using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Layers;
using Scratch.Tensors;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Gan.Evaluation;

/// <summary>
/// Trains the <see cref="Classifier"/>: Adam (lr 1e-3, ×0.85 each epoch), batches of 64, and every
/// training digit shifted by up to 2 pixels each way at random — with only 8,000 digits the shift is
/// what lifts held-out accuracy from about 98 % to above it. Seeded: same seed, same weights (on the CPU).
/// </summary>
public static class ClassifierTraining
{
    public const int Batch = 64, MaxShift = 2;
    public const double Lr = 1e-3, Decay = 0.85;

    public static (Classifier Net, double HeldAccuracy) Train(EvalData data, int epochs, ulong seed, Device device, TextWriter log)
    {
        var net = new Classifier(new RandomStream(seed * 7919 + 3));
        net.To(device);
        var opt = new Adam(net.Parameters(), Lr);
        var rng = new RandomStream(seed);
        var trainIdx = data.TrainIdx;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            opt.Groups[0].Lr = Lr * Math.Pow(Decay, epoch);
            var order = rng.Permutation(trainIdx.Length);
            double lossSum = 0; int steps = 0;
            for (int b = 0; b + Batch <= order.Length; b += Batch)
                using (MemoryScope.Begin())
                {
                    var idx = order.AsSpan(b, Batch).ToArray().Select(i => trainIdx[i]).ToArray();
                    var x = new T(ShiftedBatch(data.Train, idx, rng, device));
                    var loss = Losses.CrossEntropy(net.Call(x), new T(data.Train.LabelBatch(idx, device)));
                    opt.ZeroGrad(); loss.Backward(); opt.Step();
                    lossSum += loss.Item(); steps++;
                }
            double acc = Accuracy(net, data.Held, data.HeldIdx);
            log.WriteLine($"epoch {epoch + 1}/{epochs}: loss {lossSum / Math.Max(1,
                steps):F4}, held-out accuracy {acc:P2} ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        return (net, Accuracy(net, data.Held, data.HeldIdx));
    }

    /// <summary>A batch in [−1, 1] with each image translated by a random (dx, dy) in [−2, 2]², background filled in.</summary>
    static NDArray ShiftedBatch(ImageSet d, int[] idx, RandomStream rng, Device device)
    {
        int h = d.Rows, w = d.Cols;
        var buf = new float[idx.Length * h * w];
        Array.Fill(buf, -1f);
        for (int b = 0; b < idx.Length; b++)
        {
            int dx = rng.NextInt(2 * MaxShift + 1) - MaxShift, dy = rng.NextInt(2 * MaxShift + 1) - MaxShift;
            var src = d.Pixels.AsSpan(idx[b] * h * w, h * w);
            for (int y = Math.Max(0, dy); y < Math.Min(h, h + dy); y++)
                for (int x = Math.Max(0, dx); x < Math.Min(w, w + dx); x++)
                    buf[(b * h + y) * w + x] = src[(y - dy) * w + (x - dx)] / 127.5f - 1f;
        }
        return NDArray.From(buf, [idx.Length, 1, h, w], device);
    }

    /// <summary>Fraction of the images whose arg-max class is their label.</summary>
    public static double Accuracy(Classifier net, ImageSet d, int[] idx)
    {
        if (idx.Length == 0) return double.NaN;
        var (probs, _) = net.Run(d.Batch(idx, Classifier.Side, Device.Cpu));
        int correct = 0;
        for (int i = 0; i < idx.Length; i++)
            if (ArgMax(probs.AsSpan(i * Classifier.Classes, Classifier.Classes)) == d.Labels[idx[i]]) correct++;
        return correct / (double)idx.Length;
    }

    public static int ArgMax(ReadOnlySpan<double> p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
