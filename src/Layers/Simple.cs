using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

// Layers without parameters: activations, pooling, reshaping, dropout.

public sealed class ReLU : Module { public override Tensor Forward(Tensor x) => x.Relu(); }
public sealed class Tanh : Module { public override Tensor Forward(Tensor x) => x.Tanh(); }
public sealed class Sigmoid : Module { public override Tensor Forward(Tensor x) => x.Sigmoid(); }
public sealed class Hardtanh(double min = -1, double max = 1) : Module { public override Tensor Forward(Tensor x) => x.Hardtanh(min, max); }

public sealed class LeakyReLU(double slope = 0.01) : Module
{
    public double Slope { get; } = slope;
    public override Tensor Forward(Tensor x) => x.LeakyRelu(Slope);
}

public sealed class MaxPool2d(int kernel, int stride = -1) : Module
{
    public override Tensor Forward(Tensor x) => x.MaxPool2d(kernel, stride < 0 ? kernel : stride);
}

public sealed class AvgPool2d(int kernel, int stride = -1) : Module
{
    public override Tensor Forward(Tensor x) => x.AvgPool2d(kernel, stride < 0 ? kernel : stride);
}

/// <summary>Nearest-neighbour upsampling by an integer factor.</summary>
public sealed class Upsample(int factor) : Module
{
    public override Tensor Forward(Tensor x) => x.UpsampleNearest(factor);
}

/// <summary>[N, ...] → [N, everything else].</summary>
public sealed class Flatten : Module { public override Tensor Forward(Tensor x) => x.Flatten(1); }

/// <summary>[N, k] → [N, shape...]: the inverse of Flatten.</summary>
public sealed class Unflatten(params int[] shape) : Module
{
    public override Tensor Forward(Tensor x) => x.Reshape([x.Shape[0], .. shape]);
}

/// <summary>
/// Zeroes each element with probability p in training and scales the rest by 1/(1−p), so eval
/// (which does nothing) sees the same expected activation.
/// </summary>
public sealed class Dropout(double p = 0.5, RandomStream? g = null) : Module
{
    /// <summary>The random stream masks are drawn from (null: the default stream).</summary>
    public RandomStream? Random { get; } = g;
    public override Tensor Forward(Tensor x) => Drop(x, x.Shape, p, Training, Random);

    internal static Tensor Drop(Tensor x, int[] maskShape, double p, bool training, RandomStream? g)
    {
        if (p < 0 || p >= 1) throw new ArgumentException($"dropout: p must be in [0, 1), got {p}");
        if (!training || p == 0) return x;
        var mask = NDArray.Bernoulli(maskShape, 1 - p, x.DType, x.Device, g) * (1 / (1 - p));
        return x * new Tensor(mask);
    }
}

/// <summary>Drops whole channels: one mask value per (sample, channel).</summary>
public sealed class Dropout2d(double p = 0.5, RandomStream? g = null) : Module
{
    public RandomStream? Random { get; } = g;
    public override Tensor Forward(Tensor x) => Dropout.Drop(x, [x.Shape[0], x.Shape[1], 1, 1], p, Training, Random);
}

/// <summary>
/// Runs its layers in order; children are named "0", "1", … as in PyTorch. What Forward runs are its
/// <see cref="Steps"/>: the layers themselves, unless <see cref="Fusion.Apply"/> joined some of them.
/// </summary>
public sealed class Sequential : Module
{
    readonly List<Module> _layers = new();
    List<Module>? _steps;
    public Sequential(params Module[] layers) { foreach (var l in layers) Add(l); }
    public Sequential Add(Module m) { Child(_layers.Count.ToString(), m); _layers.Add(m); _steps?.Add(m); return this; }
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>What Forward runs, in order: the layers, or what <see cref="Fusion.Apply"/> made of them.</summary>
    public IReadOnlyList<Module> Steps => _steps ?? _layers;
    internal void SetSteps(List<Module> steps) => _steps = steps;

    public override Tensor Forward(Tensor x)
    {
        using var chain = ChainScope.Begin();   // without a graph, each output is freed once the next step has read it
        foreach (var step in Steps) x = chain.Next(x, step.Call(x));
        return x;
    }
}
