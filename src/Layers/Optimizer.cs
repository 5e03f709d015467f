using System.Numerics;
using System.Runtime.CompilerServices;
using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>A set of parameters with its own hyperparameters (e.g. a smaller learning rate for one part).</summary>
public sealed class ParamGroup(IEnumerable<Tensor> parameters, double lr)
{
    public List<Tensor> Params { get; } = parameters.ToList();
    public double Lr { get; set; } = lr;
}

/// <summary>
/// Base of the optimizers: parameter groups, per-parameter state tensors (allocated once, outside any
/// MemoryScope, then updated in place) and a step counter — all of which a checkpoint saves.
/// </summary>
public abstract class Optimizer
{
    public List<ParamGroup> Groups { get; } = new();
    public long Steps { get; protected set; }
    readonly Dictionary<(Tensor, string), NDArray> _state = new(new StateKeyComparer());

    protected Optimizer(IEnumerable<Tensor> parameters, double lr) => Groups.Add(new ParamGroup(parameters, lr));
    protected Optimizer(IEnumerable<ParamGroup> groups) => Groups.AddRange(groups);

    public IEnumerable<Tensor> Parameters => Groups.SelectMany(g => g.Params);

    public void ZeroGrad() { foreach (var p in Parameters) p.ZeroGrad(); }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        Steps++;
        using (GradMode.NoGrad())
            foreach (var g in Groups)
                foreach (var p in g.Params)
                    if (p.Grad != null) Update(p, p.Grad.Data, g.Lr);
    }

    protected abstract void Update(Tensor p, NDArray grad, double lr);

    /// <summary>A named state tensor for p (zeros at first), kept for the optimizer's lifetime.</summary>
    protected NDArray State(Tensor p, string name)
    {
        if (!_state.TryGetValue((p, name), out var s))
            using (MemoryScope.Untracked()) _state[(p, name)] = s = NDArray.Zeros(p.Shape, p.DType, p.Device);
        return s;
    }

    /// <summary>Clamps every parameter into [min, max] in place (WGAN's weight clipping).</summary>
    public void ClampParameters(double min, double max) { foreach (var p in Parameters) p.Data.ClampInPlace(min, max); }

    /// <summary>State as named arrays ("3.exp_avg" = state of parameter 3) plus the step count.</summary>
    public Dictionary<string, NDArray> StateDict()
    {
        var ps = Parameters.ToList();
        var d = new Dictionary<string, NDArray>();
        foreach (var ((p, name), v) in _state) d[$"{ps.IndexOf(p)}.{name}"] = v;
        d["steps"] = NDArray.Scalar(Steps, DType.Float64, Device.Cpu);
        return d;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, NDArray> state)
    {
        var ps = Parameters.ToList();
        foreach (var (key, v) in state)
        {
            if (key == "steps") { Steps = (long)v.Item(); continue; }
            int dot = key.IndexOf('.');
            if (dot < 0 || !int.TryParse(key[..dot], out int i) || i < 0 || i >= ps.Count)
                throw new InvalidDataException($"optimizer state: unknown entry '{key}'");
            if (!Shape.Same(v.Shape, ps[i].Shape))
                throw new InvalidDataException($"optimizer state: '{key}' is {Shape.Str(v.Shape)} but parameter {i} is {ps[i].ShapeStr}");
            State(ps[i], key[(dot + 1)..]).CopyFrom(v.To(ps[i].DType).To(ps[i].Device));
        }
    }

    sealed class StateKeyComparer : IEqualityComparer<(Tensor, string)>
    {
        public bool Equals((Tensor, string) a, (Tensor, string) b) => ReferenceEquals(a.Item1, b.Item1) && a.Item2 == b.Item2;
        public int GetHashCode((Tensor, string) k) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Item1), k.Item2);
    }
}

/// <summary>SGD with momentum (PyTorch's form): buf ← μ·buf + g (buf = g at the first step); p ← p − lr·buf.</summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0) : Optimizer(parameters, lr)
{
    protected override void Update(Tensor p, NDArray g, double lr)
    {
        if (weightDecay != 0) g = g + p.Data * weightDecay;
        if (momentum == 0) { p.Data.ZipInPlace<Op.Axpby>(g, 1, -lr); return; }
        var buf = State(p, "momentum_buffer");
        if (p.DType == DType.Float32) p.Data.UpdateInPlace<float, Rule<float>>(g, buf, buf, new(momentum, lr));
        else p.Data.UpdateInPlace<double, Rule<double>>(g, buf, buf, new(momentum, lr));
    }

    /// <summary>
    /// buf ← μ·buf + g; p ← p − lr·buf. The buffer starts at zeros, so the first step's μ·0 + g is g:
    /// PyTorch's buf = g.clone() without a case of its own.
    /// </summary>
    public readonly struct Rule<T>(double momentum, double lr) : IUpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T Momentum = T.CreateTruncating(momentum), MinusLr = T.CreateTruncating(-lr);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Apply(T p, T g, ref T buf, ref T unused)
        {
            buf = Momentum * buf + g;
            return p + MinusLr * buf;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> p, Vector<T> g, ref Vector<T> buf, ref Vector<T> unused)
        {
            buf = new Vector<T>(Momentum) * buf + g;
            return p + new Vector<T>(MinusLr) * buf;
        }
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba, 2015): running means of the gradient (m) and of its square (v), corrected
/// for their zero start: p ← p − lr·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// Weight decay is the L2 form (added to the gradient), as in torch.optim.Adam.
/// </summary>
public sealed class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr) { Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay; }

    public Adam(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(groups) { Beta1 = beta1; Beta2 = beta2; Eps = eps; }

    protected override void Update(Tensor p, NDArray g, double lr)
    {
        if (WeightDecay != 0) g = g + p.Data * WeightDecay;
        var m = State(p, "exp_avg"); var v = State(p, "exp_avg_sq");
        if (p.DType == DType.Float32) p.Data.UpdateInPlace<float, Rule<float>>(g, m, v, new(lr, Beta1, Beta2, Eps, Steps));
        else p.Data.UpdateInPlace<double, Rule<double>>(g, m, v, new(lr, Beta1, Beta2, Eps, Steps));
    }

    /// <summary>
    /// Adam's step t for one element, with the bias corrections c₁ = 1−β₁ᵗ and c₂ = 1−β₂ᵗ folded into
    /// two scalars: p ← p − (lr/c₁)·m / (√(v/c₂) + ε), which is p − lr·m̂/(√v̂ + ε).
    /// </summary>
    public readonly struct Rule<T>(double lr, double beta1, double beta2, double eps, long step) : IUpdateRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T Beta1 = T.CreateTruncating(beta1), OneMinusBeta1 = T.CreateTruncating(1 - beta1);
        public readonly T Beta2 = T.CreateTruncating(beta2), OneMinusBeta2 = T.CreateTruncating(1 - beta2);
        /// <summary>1/c₂ = 1/(1−β₂ᵗ).</summary>
        public readonly T InvCorrection2 = T.CreateTruncating(1 / (1 - Math.Pow(beta2, step)));
        public readonly T Eps = T.CreateTruncating(eps);
        /// <summary>−lr/c₁ = −lr/(1−β₁ᵗ).</summary>
        public readonly T MinusLrOverCorrection1 = T.CreateTruncating(-lr / (1 - Math.Pow(beta1, step)));

        // TASK 4.1: Adam's step for one element: m, v ← running means of g and g²; return p − (lr/c₁)·m/(√(v/c₂) + ε)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Apply(T p, T g, ref T m, ref T v)
        {
            m = Beta1 * m + OneMinusBeta1 * g;                  // m ← β₁m + (1−β₁)g
            v = Beta2 * v + OneMinusBeta2 * g * g;              // v ← β₂v + (1−β₂)g²
            T dir = m / (T.Sqrt(InvCorrection2 * v) + Eps);     // m / (√(v/c₂) + ε)
            return p + MinusLrOverCorrection1 * dir;            // p ← p − (lr/c₁)·dir
        }

        // TASK 4.2: the same step on a Vector<T> of lanes (new Vector<T>(scalar) broadcasts a constant; Vector.SquareRoot)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> p, Vector<T> g, ref Vector<T> m, ref Vector<T> v)
        {
            m = new Vector<T>(Beta1) * m + new Vector<T>(OneMinusBeta1) * g;
            v = new Vector<T>(Beta2) * v + new Vector<T>(OneMinusBeta2) * g * g;
            var dir = m / (Vector.SquareRoot(new Vector<T>(InvCorrection2) * v) + new Vector<T>(Eps));
            return p + new Vector<T>(MinusLrOverCorrection1) * dir;
        }
    }
}

/// <summary>RMSprop (PyTorch's defaults α = 0.99, ε = 1e-8): v ← α·v + (1−α)·g²; p ← p − lr·g/(√v + ε).</summary>
public sealed class RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8) : Optimizer(parameters, lr)
{
    protected override void Update(Tensor p, NDArray g, double lr)
    {
        var v = State(p, "square_avg");
        if (p.DType == DType.Float32) p.Data.UpdateInPlace<float, Rule<float>>(g, v, v, new(lr, alpha, eps));
        else p.Data.UpdateInPlace<double, Rule<double>>(g, v, v, new(lr, alpha, eps));
    }

    /// <summary>RMSprop's step for one element.</summary>
    public readonly struct Rule<T>(double lr, double alpha, double eps) : IUpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T Alpha = T.CreateTruncating(alpha), OneMinusAlpha = T.CreateTruncating(1 - alpha);
        public readonly T Eps = T.CreateTruncating(eps), MinusLr = T.CreateTruncating(-lr);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Apply(T p, T g, ref T v, ref T unused)
        {
            v = Alpha * v + OneMinusAlpha * g * g;               // v ← αv + (1−α)g²
            return p + MinusLr * (g / (T.Sqrt(v) + Eps));        // p ← p − lr·g/(√v + ε)
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> p, Vector<T> g, ref Vector<T> v, ref Vector<T> unused)
        {
            v = new Vector<T>(Alpha) * v + new Vector<T>(OneMinusAlpha) * g * g;
            return p + new Vector<T>(MinusLr) * (g / (Vector.SquareRoot(v) + new Vector<T>(Eps)));
        }
    }
}
