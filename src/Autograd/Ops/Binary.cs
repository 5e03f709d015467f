using Scratch.Tensors;

namespace Scratch.Autograd;

// Binary ops broadcast like NumPy. An input that was broadcast receives the gradient summed over
// the broadcast dims (SumTo), because each of its elements was used that many times.
public sealed partial class Tensor
{
    // ga, gb: each input's gradient from the output's gradient g (and the output y, for pow).
    Tensor Binary(string op, Tensor other, NDArray y, Func<Tensor, Tensor> ga, Func<Tensor, Tensor> gb) =>
        Binary(op, other, y, (g, _) => ga(g), (g, _) => gb(g));

    Tensor Binary(string op, Tensor other, NDArray y, Func<Tensor, Tensor, Tensor> ga, Func<Tensor, Tensor, Tensor> gb) =>
        Function(op, y, [this, other], (g, output, needs) => [
            needs[0] ? ga(g, output).SumTo(Shape) : null,
            needs[1] ? gb(g, output).SumTo(other.Shape) : null]);

    public static Tensor operator +(Tensor a, Tensor b) => a.Binary("add", b, a.Data + b.Data, g => g, g => g);
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary("sub", b, a.Data - b.Data, g => g, g => -g);
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary("mul", b, a.Data * b.Data, g => g * b, g => g * a);
    // TASK 2.3: division through Binary: forward a.Data / b.Data; gradients ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b², times g
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary("div", b, a.Data / b.Data, g => g / b, g => -g * a / (b * b));

    /// <summary>aᵇ elementwise (a &gt; 0 where b is not a whole number).</summary>
    public Tensor Pow(Tensor e) => Binary("pow", e, Data.Pow(e.Data), (g, y) => g * e * Pow(e - 1), (g, y) => g * y * Log());   // d aᵇ/db = aᵇ·ln a

    /// <summary>The larger of a and b; ties send the gradient to a.</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var takeA = a.Const(a.Data.Ge(b.Data));
        return a.Binary("maximum", b, NDArray.Maximum(a.Data, b.Data), g => g * takeA, g => g * (1 - takeA));
    }

    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var takeA = a.Const(a.Data.Le(b.Data));
        return a.Binary("minimum", b, NDArray.Minimum(a.Data, b.Data), g => g * takeA, g => g * (1 - takeA));
    }

    /// <summary>cond ? a : b. cond is a constant mask.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        var c = cond.Data.Ne0();
        return a.Binary("where", b, NDArray.Where(c, a.Data, b.Data), g => g * a.Const(c), g => g * a.Const(1 - c));
    }

    // Comparisons give constant masks of 1s and 0s.
    public Tensor Eq(Tensor o) => Const(Data.Eq(o.Data));
    public Tensor Lt(Tensor o) => Const(Data.Lt(o.Data));
    public Tensor Le(Tensor o) => Const(Data.Le(o.Data));
    public Tensor Gt(Tensor o) => Const(Data.Gt(o.Data));
    public Tensor Ge(Tensor o) => Const(Data.Ge(o.Data));
}

internal static class MaskExtensions
{
    /// <summary>1 where x != 0, else 0.</summary>
    public static NDArray Ne0(this NDArray x) => x.Abs().Above(0);
}
