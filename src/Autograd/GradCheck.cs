using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>The worst element a gradient check found.</summary>
public sealed record GradCheckResult(bool Ok, int Input, int Index, double Expected, double Actual, double Error)
{
    public override string ToString() => Ok
        ? $"ok (worst: input {Input}, element {Index}: numeric {Expected:G6}, analytic {Actual:G6})"
        : $"gradient mismatch at input {Input}, element {Index}: numeric {Expected:G8}, analytic {Actual:G8} (error {Error:E2})";
}

/// <summary>
/// Checks analytic gradients against central differences, (f(x+ε) − f(x−ε)) / 2ε, in float64.
/// The function's output is contracted with a fixed random tensor v, so the check covers a random
/// upstream gradient instead of all ones (a classic way to hide a transposed or missing term).
/// </summary>
public static class GradCheck
{
    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, int seed = 0)
    {
        var xs = inputs.Select(x => new Tensor(x.Data.Clone(), requiresGrad: true)).ToArray();
        return RunOnLeaves(() => f(xs), xs, eps, atol, rtol, seed);
    }

    /// <summary>
    /// Checks f's gradients with respect to existing leaves (a module's parameters, say), perturbing
    /// each element in place and putting it back afterwards.
    /// </summary>
    public static GradCheckResult RunOnLeaves(Func<Tensor> f, Tensor[] leaves, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, int seed = 0)
    {
        foreach (var x in leaves)
            if (x.DType != DType.Float64) throw new ArgumentException($"gradcheck: input {x.ShapeStr} is {x.DType.Name()}; use float64, where central differences are accurate");
        var y0 = f();
        var v = new Tensor(NDArray.Uniform(y0.Shape, 0.5, 1.5, DType.Float64, y0.Device, new Generator((ulong)seed + 17)) * NDArray.Bernoulli(y0.Shape, 0.5, DType.Float64, y0.Device, new Generator((ulong)seed + 18)).Affine(2, -1));
        var analytic = Engine.Grad([(y0 * v).Sum()], leaves, allowUnused: true);

        double Loss() => (f() * v).Sum().Item();

        var worst = new GradCheckResult(true, 0, 0, 0, 0, 0);
        double worstRatio = -1;
        for (int i = 0; i < leaves.Length; i++)
        {
            var a = analytic[i]?.ToDoubles() ?? new double[leaves[i].Numel];
            var values = leaves[i].Data.ToDoubles();
            void Set(int j, double value)
            {
                values[j] = value;
                leaves[i].Assign(NDArray.From(values, leaves[i].Shape, DType.Float64, leaves[i].Device));
            }
            for (int j = 0; j < values.Length; j++)
            {
                double orig = values[j];
                Set(j, orig + eps); double plus = Loss();
                Set(j, orig - eps); double minus = Loss();
                Set(j, orig);
                double numeric = (plus - minus) / (2 * eps), err = Math.Abs(numeric - a[j]);
                double ratio = err / (atol + rtol * Math.Abs(numeric));
                if (ratio > worstRatio) { worstRatio = ratio; worst = new GradCheckResult(ratio <= 1, i, j, numeric, a[j], err); }
            }
        }
        return worst;
    }

    /// <summary>
    /// Second order: checks the gradient of x ↦ Σ ∇ₓ(f(x)·v) · u, where ∇ₓ is computed with
    /// createGraph — i.e. that backward passes are themselves correctly differentiable.
    /// </summary>
    public static GradCheckResult RunSecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, int seed = 0)
    {
        var g = new Generator((ulong)seed + 99);
        Tensor? v = null;
        Tensor[]? u = null;
        Tensor GradDot(Tensor[] xs)
        {
            using var _ = GradMode.EnableGrad();
            var xsLive = xs.Select(x => x.RequiresGrad ? x : new Tensor(x.Data, requiresGrad: true)).ToArray();
            var y = f(xsLive);
            v ??= new Tensor(NDArray.Uniform(y.Shape, -1, 1, DType.Float64, y.Device, g));
            u ??= xs.Select(x => new Tensor(NDArray.Uniform(x.Shape, -1, 1, DType.Float64, x.Device, g))).ToArray();
            var grads = Engine.Grad([(y * v).Sum()], xsLive, createGraph: true, allowUnused: true);
            Tensor total = Tensor.Scalar(0, DType.Float64, y.Device);
            for (int i = 0; i < grads.Length; i++) if (grads[i] is { } gi) total = total + (gi * u[i]).Sum();
            return total;
        }
        return Run(GradDot, inputs, eps, atol, rtol, seed);
    }

    /// <summary>Throws with the worst element when the check fails (for tests and learners' scripts).</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = Run(f, inputs);
        if (!r.Ok) throw new InvalidOperationException("gradcheck: " + r);
    }

    public static void AssertSecondOrder(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = RunSecondOrder(f, inputs);
        if (!r.Ok) throw new InvalidOperationException("gradgradcheck: " + r);
    }
}

/// <summary>Second-order gradient checks under the name PyTorch uses (torch.autograd.gradgradcheck).</summary>
public static class GradGradCheck
{
    /// <summary>See <see cref="GradCheck.RunSecondOrder"/>.</summary>
    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, int seed = 0) =>
        GradCheck.RunSecondOrder(f, inputs, eps, atol, rtol, seed);

    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs) => GradCheck.AssertSecondOrder(f, inputs);
}
