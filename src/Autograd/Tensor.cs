using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>
/// The tensor users hold: an <see cref="NDArray"/> of values plus, when it was computed from tensors
/// that require gradients, the <see cref="Node"/> that made it. Ops record those nodes as they run
/// (define-by-run); <see cref="Backward"/> walks them in reverse. Each op's backward is written with
/// these same Tensor ops, so with createGraph the gradient is itself differentiable.
/// Disposing a tensor returns its memory to the pool at once (<c>using (pre) …</c>): for an
/// intermediate that nothing reads any more — no backward, no view, no caller.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    public NDArray Data { get; private set; }
    /// <summary>The op that produced this tensor, or null for a leaf (input, parameter, constant).</summary>
    internal Node? Node { get; private set; }
    bool _requiresGrad;
    /// <summary>The accumulated gradient of a leaf after <see cref="Backward"/>.</summary>
    public Tensor? Grad { get; set; }
    public string? Name { get; set; }

    public Tensor(NDArray data, bool requiresGrad = false) { Data = data; _requiresGrad = requiresGrad; }

    /// <summary>Leaves set this to ask for gradients; results of ops inherit it.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (Node != null && !value) throw new InvalidOperationException("requires_grad: only leaves can stop requiring grad; use Detach()");
            _requiresGrad = value;
        }
    }

    public bool IsLeaf => Node == null;
    public int[] Shape => Data.Shape;
    public int Rank => Data.Rank;
    public int Numel => Data.Numel;
    public DType DType => Data.DType;
    public Device Device => Data.Device;
    public string ShapeStr => Data.ShapeStr;

    public double Item() => Data.Item();
    public double[] ToDoubles() => Data.ToDoubles();
    /// <summary>The array's printout, plus how this tensor takes part in autograd (as PyTorch prints it).</summary>
    public override string ToString()
    {
        var s = Data.ToString();   // ends in ")"
        string extra = Node != null ? $", grad_fn={Node.Op}" : RequiresGrad ? ", requires_grad=True" : "";
        return s[..^1] + extra + ")";
    }

    /// <summary>The same values, cut from the graph: gradients stop here.</summary>
    public Tensor Detach() => new(Data);

    /// <summary>Keeps this tensor's values alive past the innermost MemoryScope.</summary>
    public Tensor Keep() { Data.Keep(); return this; }

    /// <summary>Returns the values' memory to the pool now, rather than when the MemoryScope ends.</summary>
    public void Dispose() => Data.Dispose();

    public Tensor To(Device device) => device == Device ? this : new Tensor(Data.To(device), RequiresGrad && IsLeaf);

    /// <summary>Replaces a leaf's values in place (optimizers, loading a checkpoint). Not recorded.</summary>
    public void Assign(NDArray values)
    {
        if (!IsLeaf) throw new InvalidOperationException("assign: only leaf tensors can be overwritten");
        Data.CopyFrom(values);
    }

    /// <summary>
    /// Forgets the gradient (PyTorch's zero_grad(set_to_none=True)). Its buffer is kept and reused by
    /// the next backward, so a training loop does not allocate a fresh gradient every step.
    /// </summary>
    public void ZeroGrad()
    {
        if (Grad is { IsLeaf: true } g && !g.Data.Storage.IsReleased) SpareGrad = g;
        Grad = null;
    }

    internal Tensor? SpareGrad { get; set; }

    // ---------------- recording ----------------

    /// <summary>
    /// Every differentiable op, built in or yours, is one call to this (like torch.autograd.Function):
    /// the forward's result, the inputs and the backward. When grad mode is on and an input requires
    /// grad, the result remembers them in a <see cref="Node"/>; otherwise nothing is recorded, so a
    /// tensor that needs no gradient costs nothing extra. saved: arrays the forward made for the
    /// backward alone (max-pool's argmax, BatchNorm's moments); the engine frees them once the
    /// node's backward has run, as PyTorch frees a node's saved tensors.
    /// </summary>
    public static Tensor Function(string op, NDArray result, Tensor[] inputs, BackwardFn backward, NDArray[]? saved = null)
    {
        var t = new Tensor(result);
        if (GradMode.Enabled && inputs.Any(i => i.RequiresGrad))
        {
            t._requiresGrad = true;
            t.Node = new Node(op, inputs, backward, saved ?? []);
        }
        return t;
    }

    /// <summary>Function with a backward of g alone: it may return a gradient for every input; the engine drops those not needed.</summary>
    public static Tensor Function(string op, NDArray result, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, NDArray[]? saved = null) =>
        Function(op, result, inputs, (g, _, _) => backward(g), saved);

    /// <summary>Moves a leaf's values to another device in place (Module.To). Its gradient is dropped.</summary>
    public void MoveTo(Device device)
    {
        if (!IsLeaf) throw new InvalidOperationException("to: only leaf tensors can be moved in place");
        if (device == Device) return;
        using (MemoryScope.Untracked()) Data = Data.To(device);
        Grad = null; SpareGrad = null;
    }

    /// <summary>A constant (never requires grad) with this tensor's dtype and device.</summary>
    internal Tensor Const(NDArray a) => new(a);

    // ---------------- creation ----------------

    public static Tensor From(double[] values, int[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        new(NDArray.From(values, shape, dtype, device), requiresGrad);
    public static Tensor From(float[] values, int[] shape, Device? device = null, bool requiresGrad = false) =>
        new(NDArray.From(values, shape, device), requiresGrad);
    public static Tensor Scalar(double v, DType dtype = DType.Float32, Device? device = null) => new(NDArray.Scalar(v, dtype, device));
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        new(NDArray.Zeros(shape, dtype, device), requiresGrad);
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        new(NDArray.Ones(shape, dtype, device), requiresGrad);
    public static Tensor Full(int[] shape, double v, DType dtype = DType.Float32, Device? device = null) =>
        new(NDArray.Full(shape, v, dtype, device));
    public static Tensor Uniform(int[] shape, double low = 0, double high = 1, DType dtype = DType.Float32, Device? device = null,
        RandomStream? g = null, bool requiresGrad = false) =>
        new(NDArray.Uniform(shape, low, high, dtype, device, g), requiresGrad);
    public static Tensor Normal(int[] shape, double mean = 0, double std = 1, DType dtype = DType.Float32, Device? device = null,
        RandomStream? g = null, bool requiresGrad = false) =>
        new(NDArray.Normal(shape, mean, std, dtype, device, g), requiresGrad);
    public static Tensor Bernoulli(int[] shape, double p, DType dtype = DType.Float32, Device? device = null, RandomStream? g = null) =>
        new(NDArray.Bernoulli(shape, p, dtype, device, g));
    public Tensor ZerosLike() => new(Data.ZerosLike());
    public Tensor OnesLike() => new(Data.OnesLike());
}

/// <summary>
/// An op's backward. g is the gradient of the loss with respect to the op's output y (y is handed in
/// because many derivatives are cheapest in terms of it: d eˣ = eˣ, d tanh = 1 − tanh²). needs[i]
/// says whether input i wants a gradient: skipping the others is what keeps WGAN-GP's ∇ₓD from also
/// computing every weight gradient. Returns one gradient per input, null where none is needed.
/// It is written with Tensor ops, so with createGraph the gradient is itself differentiable.
/// </summary>
public delegate Tensor?[] BackwardFn(Tensor g, Tensor y, bool[] needs);

/// <summary>One recorded op: its inputs and how to turn the output's gradient into theirs.</summary>
internal sealed class Node(string op, Tensor[] inputs, BackwardFn backward, NDArray[] saved)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; private set; } = inputs;
    public BackwardFn? Backward { get; private set; } = backward;
    public bool Freed => Backward == null;

    /// <summary>
    /// True for a node recorded by a backward function under createGraph: a piece of a gradient's own
    /// graph (WGAN-GP's ∇ₓD). The engine marks it; only the graph picture (GraphDot) reads it.
    /// </summary>
    public bool FromBackward { get; internal set; }

    NDArray[] _saved = saved;

    /// <summary>
    /// Set when the backward ran while a gradient graph was recorded (createGraph): the nodes it
    /// recorded may read this node's saved arrays, so those are left to the MemoryScope.
    /// </summary>
    public bool Lent { get; set; }

    /// <summary>
    /// Drops the saved tensors; a later backward through here is an error. The arrays this op made
    /// for its backward alone go back to the pool now when release is set and none was lent.
    /// </summary>
    public void Free(bool release)
    {
        Backward = null;
        if (release && !Lent) foreach (var a in _saved) a.Dispose();
        _saved = [];
    }
}

/// <summary>Whether ops record the graph. Off inside <c>using (GradMode.NoGrad())</c>.</summary>
public static class GradMode
{
    [ThreadStatic] static bool _disabled;
    public static bool Enabled => !_disabled;

    public static IDisposable NoGrad() => new Switch(false);
    public static IDisposable EnableGrad() => new Switch(true);

    sealed class Switch : IDisposable
    {
        readonly bool _was;
        public Switch(bool on) { _was = _disabled; _disabled = !on; }
        public void Dispose() => _disabled = _was;
    }
}
