using Scratch.Autograd;

namespace Scratch.Layers;

/// <summary>
/// An optional pass over a model, called once after building it: in every <see cref="Sequential"/>,
/// a layer that ends by adding a bias (Linear, Conv2d, ConvTranspose2d) followed by a ReLU or a
/// LeakyReLU becomes one step, which adds the bias inside the activation's pass
/// (<see cref="Tensor.AddLeakyRelu"/>): one read and write of the output less, one GPU kernel launch
/// instead of two. The layers, their parameters and their names stay as they are; only the steps
/// Sequential runs change. Leave the call out and every layer runs on its own, with the same numbers
/// (FusionTests checks outputs and gradients).
/// </summary>
public static class Fusion
{
    public static TModule Apply<TModule>(TModule model) where TModule : Module
    {
        foreach (var sequential in model.Modules().OfType<Sequential>()) sequential.SetSteps(Fuse(sequential.Layers));
        return model;
    }

    static List<Module> Fuse(IReadOnlyList<Module> layers)
    {
        var steps = new List<Module>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (i + 1 < layers.Count && layers[i] is IBiasActivation { Bias: not null } layer && Slope(layers[i + 1]) is double slope)
                steps.Add(new BiasActivation(layer, layers[++i], slope));
            else steps.Add(layers[i]);
        }
        return steps;
    }

    static double? Slope(Module m) => m switch { ReLU => 0, LeakyReLU l when l.Slope >= 0 => l.Slope, _ => null };
}

/// <summary>A layer whose last step adds a bias, so that a (leaky) ReLU after it can share that pass.</summary>
public interface IBiasActivation
{
    Tensor? Bias { get; }
    /// <summary>The layer's output before its bias is added, and the bias shaped to broadcast over it.</summary>
    (Tensor Output, Tensor Bias) ForwardWithoutBias(Tensor x);
}

/// <summary>
/// A fused step: leaky_relu(layer's output without bias + bias). The step's children are the two
/// modules it runs, so a summary lists them and not the step itself.
/// </summary>
sealed class BiasActivation : Module
{
    readonly IBiasActivation _layer;
    readonly Module _activation;
    readonly double _slope;

    public BiasActivation(IBiasActivation layer, Module activation, double slope)
    {
        _layer = layer; _activation = activation; _slope = slope;
        Child("layer", (Module)layer); Child("activation", activation);
    }

    // The activation's backward reads its output, and the layer's backward reads its input and
    // weight: the pre-activation is read by nothing once the sum is formed, so it ends here.
    public override Tensor Forward(Tensor x)
    {
        var (pre, bias) = _layer.ForwardWithoutBias(x);
        Tensor y;
        using (pre) y = pre.AddLeakyRelu(bias, _slope);
        ((Module)_layer).Recorded(y); _activation.Recorded(y);
        return y;
    }
}
