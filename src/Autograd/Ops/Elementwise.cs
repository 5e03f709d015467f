using Scratch.Tensors;

namespace Scratch.Autograd;

// Elementwise ops. Each forward sits next to its backward; the backward is written with Tensor ops,
// so it is itself recorded when createGraph is on. Masks (relu's x > 0) are constants: their own
// derivative is zero almost everywhere.
public sealed partial class Tensor
{
    // backward(g, x, y): the input's gradient from the output's gradient g, the input x and the output y.
    Tensor Unary(string op, NDArray y, Func<Tensor, Tensor, Tensor, Tensor> backward) =>
        Function(op, y, [this], (g, output, _) => [backward(g, this, output)]);

    public Tensor Neg() => Unary("neg", Data.Neg(), (g, x, _) => -g);

    public Tensor Exp() => Unary("exp", Data.Exp(), (g, x, y) => g * y);          // d eˣ = eˣ

    public Tensor Log() => Unary("log", Data.Log(), (g, x, _) => g / x);     // d log x = 1/x

    public Tensor Sqrt() => Unary("sqrt", Data.Sqrt(), (g, x, y) => g / (y * 2));   // d √x = 1/(2√x)

    public Tensor Abs() => Unary("abs", Data.Abs(), (g, x, _) => g * Const(x.Data.Sign()));

    public Tensor Tanh() => Unary("tanh", Data.Tanh(),
        // TASK 2.1: tanh's backward from the incoming gradient g and the output y: d tanh x/dx = 1 − tanh² x
        (g, x, y) => g * (1 - y * y));

    public Tensor Sigmoid() => Unary("sigmoid", Data.Sigmoid(),
        // TASK 2.2: sigmoid's backward from g and the output y: σ'(x) = σ(x)(1 − σ(x)); written with Tensor ops, so it is differentiable too
        (g, x, y) => g * y * (1 - y));

    public Tensor Relu() => Unary("relu", Data.Relu(), (g, x, _) => SlopeMask(g, x.Data, 0));

    public Tensor LeakyRelu(double slope) => Unary("leaky_relu", Data.LeakyRelu(slope), (g, x, _) => SlopeMask(g, x.Data, slope));

    /// <summary>
    /// leaky_relu(x + bias) in one pass, bias broadcast to x (slope 0: ReLU): a layer's bias add and
    /// the activation after it fused, which saves a full read and write of x (a kernel launch on a
    /// GPU). The output's sign is the sum's sign, so the backward masks with the output.
    /// </summary>
    public Tensor AddLeakyRelu(Tensor bias, double slope)
    {
        if (slope < 0) throw new ArgumentException($"add_leaky_relu: slope must be ≥ 0, got {slope}");
        var x = this;
        var y = NDArray.Zip<Op.AddLeakyRelu>("add_leaky_relu", x.Data, bias.Data, slope);
        return Function("add_leaky_relu", y, [x, bias], (g, _, needs) =>
        {
            var pre = SlopeMask(g, y, slope);   // the gradient at x + bias
            return [pre, needs[1] ? pre.SumTo(bias.Shape) : null];
        });
    }

    /// <summary>
    /// (Leaky) ReLU's backward, g·(x &gt; 0 ? 1 : slope), in one pass instead of mask, scale and multiply
    /// (on a GPU, one kernel launch instead of three). It is linear in g with x a constant, so its
    /// own gradient is the same op applied to the incoming gradient — double backward still works.
    /// </summary>
    static Tensor SlopeMask(Tensor g, NDArray x, double slope) =>
        Function("relu_backward", NDArray.Zip<Op.SlopeMask>("relu_backward", x, g.Data, slope), [g], gg => [SlopeMask(gg, x, slope)]);

    /// <summary>xᵖ for a constant p.</summary>
    public Tensor Pow(double p)
    {
        if (p == 1) return this * 1.0;
        return Unary("pow", Data.Pow(p), (g, x, _) => g * p * x.Pow(p - 1));
    }

    public Tensor Square() => Pow(2);

    public Tensor Clamp(double min, double max) =>
        Unary("clamp", Data.Clamp(min, max), (g, x, _) => g * Const(x.Data.Above(min) * (-x.Data).Above(-max)));

    /// <summary>The sign of x: a constant as far as gradients go (its derivative is 0 almost everywhere).</summary>
    public Tensor Sign() => Const(Data.Sign());

    /// <summary>scale·x + shift in one pass: what tensor-with-number arithmetic compiles to.</summary>
    public Tensor ScaleShift(double scale, double shift) => Unary("scale_shift", Data.ScaleShift(scale, shift), (g, x, _) => g * scale);

    public static Tensor operator -(Tensor x) => x.Neg();
    public static Tensor operator +(Tensor x, double s) => x.ScaleShift(1, s);
    public static Tensor operator -(Tensor x, double s) => x.ScaleShift(1, -s);
    public static Tensor operator *(Tensor x, double s) => x.ScaleShift(s, 0);
    public static Tensor operator /(Tensor x, double s) => x.ScaleShift(1 / s, 0);
    public static Tensor operator +(double s, Tensor x) => x.ScaleShift(1, s);
    public static Tensor operator -(double s, Tensor x) => x.ScaleShift(-1, s);
    public static Tensor operator *(double s, Tensor x) => x.ScaleShift(s, 0);
    public static Tensor operator /(double s, Tensor x) => x.Pow(-1) * s;
}
