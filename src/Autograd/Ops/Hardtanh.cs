using Scratch.Tensors;

namespace Scratch.Autograd;

// Hardtanh: the op docs/add-an-op.md adds, step by step. It is written as its own op rather than as
// Clamp(min, max) so the guide can show every piece; the forward reuses Clamp's functor because
// hardtanh *is* min(max(x, min), max) — only the name and the backward are new.
public sealed partial class Tensor
{
    /// <summary>
    /// min(max(x, min), max), PyTorch's nn.Hardtanh: a cheap tanh-like squashing (the identity in
    /// between). Its gradient is 1 strictly inside (min, max) and 0 outside — and 0 exactly at the
    /// corners, as PyTorch does.
    /// </summary>
    public Tensor Hardtanh(double min = -1, double max = 1)
    {
        if (!(min < max)) throw new ArgumentException($"hardtanh: min {min} must be less than max {max}");
        return Unary("hardtanh", Data.Map<Op.Clamp>(min, max), (g, x, _) => HardtanhBackward(g, x.Data, min, max));
    }

    /// <summary>
    /// g where min &lt; x &lt; max, else 0, in one pass (one functor, Op.HardtanhBackward, so one
    /// kernel launch on a GPU). It is linear in g with x a constant, so its own backward is the same
    /// op applied to the incoming gradient, and a double backward through hardtanh works.
    /// </summary>
    static Tensor HardtanhBackward(Tensor g, NDArray x, double min, double max) =>
        Function("hardtanh_backward", NDArray.Zip<Op.HardtanhBackward>("hardtanh_backward", x, g.Data, min, max), [g],
               gg => [HardtanhBackward(gg, x, min, max)]);
}
