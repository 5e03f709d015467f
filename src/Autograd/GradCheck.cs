using System.Text;
using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>
/// What a gradient check found: Ok, or the element that fails worst. Input is the input's number,
/// Index its flat element index and Coordinates the same element as a multi-index; Expected is the
/// numerical derivative, Actual the analytical one. When it failed, <see cref="Report"/> holds the
/// Jacobian slices around that element; ToString gives the whole message.
/// </summary>
public sealed record GradCheckResult(bool Ok, int Input, int Index, double Expected, double Actual, double Error)
{
    /// <summary>"gradcheck", or "gradgradcheck" for the check of a backward's own gradient.</summary>
    public string Check { get; init; } = "gradcheck";
    public string InputName { get; init; } = "";
    public int[] Shape { get; init; } = [];
    public int[] Coordinates { get; init; } = [];
    /// <summary>What is wrong, in one line; empty when Ok.</summary>
    public string Problem { get; init; } = "";
    /// <summary>Numerical and analytical Jacobian entries around the failing element; empty when Ok.</summary>
    public string Report { get; init; } = "";

    /// <summary>"input 1 'weight' [3,4] at (2, 0)": which input, its shape, which element.</summary>
    public string Where => $"input {Input}{(InputName != "" ? $" '{InputName}'" : "")} {Tensors.Shape.Str(Shape)} at {GradCheck.Coords(Coordinates)}";

    public override string ToString() => Ok
        ? $"ok (worst: {Where}: numerical {Expected:G6}, analytical {Actual:G6})"
        : $"{Check} failed for {Where}: {Problem}" + (Report != "" ? "\n" + Report : "");
}

/// <summary>
/// Checks analytic gradients against central differences, (f(x+ε) − f(x−ε)) / 2ε, in float64, as
/// PyTorch's gradcheck does. Three things are checked, in this order:
/// <list type="number">
/// <item>the backward scales with its incoming gradient: grad_output c·v gives c times the gradient
///   of v. A backward that ignores grad_output (returns the local derivative alone) fails here;</item>
/// <item>vᵀJ from the backward, with a random grad_output v (random signs and sizes: an all-ones v
///   hides a missing transpose or a sum over the wrong axis), equals vᵀJ from central differences,
///   element by element of every input;</item>
/// <item>on a failure, the numerical and analytical Jacobians J[output, input element] are printed
///   around the failing element, so a reader sees which outputs receive the wrong gradient.</item>
/// </list>
/// Inputs are named by index, by Tensor.Name when set, by shape and by coordinates.
/// </summary>
public static class GradCheck
{
    const double Scale = 2.5;    // grad_output is scaled by this in the linearity check
    const int MaxRows = 6;       // output rows shown in a failure's Jacobian slice
    const int MaxJacobianRows = 256;

    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, int seed = 0)
    {
        var xs = inputs.Select(x => new Tensor(x.Data.Clone(), requiresGrad: true) { Name = x.Name }).ToArray();
        return RunOnLeaves(() => f(xs), xs, eps, atol, rtol, seed);
    }

    /// <summary>
    /// Checks f's gradients with respect to existing leaves (a module's parameters, say), perturbing
    /// each element in place and putting it back afterwards.
    /// </summary>
    public static GradCheckResult RunOnLeaves(Func<Tensor> f, Tensor[] leaves, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
        int seed = 0) =>
        Check(f, leaves, eps, atol, rtol, seed, "gradcheck");

    static GradCheckResult Check(Func<Tensor> f, Tensor[] leaves, double eps, double atol, double rtol, int seed, string check)
    {
        if (leaves.Length == 0) throw new ArgumentException($"{check}: no inputs to check");
        foreach (var x in leaves)
            if (x.DType != DType.Float64)
                throw new ArgumentException($"{check}: input {x.ShapeStr} is {x.DType.Name()}; use float64, where central differences are accurate");
        var y0 = f();
        // v = ±U(0.5, 1.5): every output weighted differently and with its own sign.
        var v = new Tensor(NDArray.Uniform(y0.Shape, 0.5, 1.5, DType.Float64, y0.Device, new RandomStream((ulong)seed + 17))
            * NDArray.Bernoulli(y0.Shape, 0.5, DType.Float64, y0.Device, new RandomStream((ulong)seed + 18)).ScaleShift(2, -1));
        var analytic = Backward(f, leaves, v);
        GradCheckResult At(int i, int j, double expected, double actual, double error, bool ok) => new(ok, i, j, expected, actual, error)
        {
            Check = check, InputName = leaves[i].Name ?? "", Shape = leaves[i].Shape, Coordinates = Unravel(j, leaves[i].Shape),
        };

        // 1. Linearity in grad_output: a backward must multiply by the gradient it receives.
        var scaled = Backward(f, leaves, new Tensor(v.Data * Scale));
        for (int i = 0; i < leaves.Length; i++)
            for (int j = 0; j < analytic[i].Length; j++)
            {
                double want = Scale * analytic[i][j], got = scaled[i][j];
                if (Math.Abs(got - want) > atol + rtol * Math.Abs(want))
                    return At(i, j, want, got, Math.Abs(got - want), false) with
                    {
                        Problem =
                            $"the backward does not scale with grad_output: grad_output v gives {analytic[i][j]:G6}, {Scale}·v gives {got:G6} " +
                            $"(expected {want:G6}). A backward that ignores its incoming gradient does this.",
                    };
            }

        // 2. vᵀJ, numerical against analytical, for every element of every input.
        var vHost = v.ToDoubles();
        var worst = At(0, 0, 0, 0, 0, true);
        double worstRatio = -1;
        for (int i = 0; i < leaves.Length; i++)
            for (int j = 0; j < analytic[i].Length; j++)
            {
                double numeric = Dot(NumericalColumn(f, leaves[i], j, eps), vHost), err = Math.Abs(numeric - analytic[i][j]);
                double ratio = err / (atol + rtol * Math.Abs(numeric));
                if (ratio > worstRatio) { worstRatio = ratio; worst = At(i, j, numeric, analytic[i][j], err, ratio <= 1); }
            }
        if (worst.Ok) return worst;
        return worst with
        {
            Problem =
                $"numerical {worst.Expected:G8}, analytical {worst.Actual:G8} (error {worst.Error:E2}, allowed {atol:G3} + {rtol:G3}·|numerical|); " +
                "both are vᵀ·J for a random grad_output v",
            Report = JacobianSlice(f, leaves, worst.Input, worst.Index, eps),
        };
    }

    /// <summary>The gradient of every leaf for one grad_output (zeros for a leaf the output does not use).</summary>
    static double[][] Backward(Func<Tensor> f, Tensor[] leaves, Tensor gradOutput)
    {
        var grads = Engine.Grad([f()], leaves, [gradOutput], allowUnused: true);
        return leaves.Select((x, i) => grads[i]?.ToDoubles() ?? new double[x.Numel]).ToArray();
    }

    /// <summary>
    /// Column j of the numerical Jacobian: (f(x + ε·e_j) − f(x − ε·e_j)) / 2ε for element j of one
    /// leaf, the whole output at once. The leaf is put back afterwards.
    /// </summary>
    static double[] NumericalColumn(Func<Tensor> f, Tensor leaf, int j, double eps)
    {
        var values = leaf.Data.ToDoubles();
        double orig = values[j];
        void Set(double value)
        {
            values[j] = value;
            leaf.Assign(NDArray.From(values, leaf.Shape, DType.Float64, leaf.Device));
        }
        Set(orig + eps); var plus = f().ToDoubles();
        Set(orig - eps); var minus = f().ToDoubles();
        Set(orig);
        return plus.Zip(minus, (p, m) => (p - m) / (2 * eps)).ToArray();
    }

    /// <summary>
    /// The Jacobian J[o, k] = ∂output[o]/∂input[k] near the failing input element: its column and its
    /// neighbours along the last axis, and the output rows where numerical and analytical differ most.
    /// Numerical columns come from central differences of the whole output; analytical rows from one
    /// backward per output element with a one-hot grad_output.
    /// </summary>
    static string JacobianSlice(Func<Tensor> f, Tensor[] leaves, int input, int index, double eps)
    {
        var leaf = leaves[input];
        var shape = leaf.Shape;
        var at = Unravel(index, shape);
        int last = shape.Length == 0 ? 1 : shape[^1], k0 = shape.Length == 0 ? 0 : at[^1];
        var columns = Enumerable.Range(k0 - 1, 3).Where(k => k >= 0 && k < last).Select(k => index + k - k0).ToArray();
        var numerical = columns.ToDictionary(c => c, c => NumericalColumn(f, leaf, c, eps));
        var y = f();
        var failing = numerical[index];
        // Rows to compute analytically: all of them, or (for a large output) those the numerical column touches most.
        var rows = Enumerable.Range(0, y.Numel).OrderByDescending(o => y.Numel <= MaxJacobianRows ? 0 : Math.Abs(failing[o]))
            .Take(MaxJacobianRows).ToArray();
        var analytical = new Dictionary<int, double[]>();
        foreach (var o in rows)
        {
            var oneHot = new double[y.Numel]; oneHot[o] = 1;
            analytical[o] = Backward(f, leaves, new Tensor(NDArray.From(oneHot, y.Shape, DType.Float64, y.Device)))[input];
        }
        bool Differs(int o, int c) => Math.Abs(numerical[c][o] - analytical[o][c]) > 1e-6 * (1 + Math.Abs(numerical[c][o]));
        // The rows where numerical and analytical disagree, worst first; then, for context, rows with a nonzero entry.
        // Rows of zeros on both sides say nothing and are left out (an elementwise op's Jacobian is mostly zeros).
        var differing = rows.Where(o => columns.Any(c => Differs(o, c))).ToArray();
        var shown = differing.OrderByDescending(o => Math.Abs(failing[o] - analytical[o][index])).ThenBy(o => o)
            .Concat(rows.Except(differing).Where(o => columns.Any(c => numerical[c][o] != 0 || analytical[o][c] != 0)).OrderBy(o => o))
            .Take(MaxRows).OrderBy(o => o).ToArray();

        string name = leaf.Name is { Length: > 0 } n ? n : $"input{input}";
        var sb = new StringBuilder($"  Jacobian ∂output/∂{name} near {name}{Coords(at)}, numerical / analytical " +
                                   $"({differing.Length} of {(rows.Length < y.Numel ? $"the {rows.Length} checked of {y.Numel}"
                                       : y.Numel)} output rows differ, " +
                                   "marked ←; rows not shown are zero or agree):\n");
        const int w = 24;
        sb.Append(new string(' ', 14));
        foreach (var c in columns) sb.Append((name + Coords(Unravel(c, shape))).PadLeft(w));
        sb.Append('\n');
        foreach (var o in shown)
        {
            sb.Append(("output" + Coords(Unravel(o, y.Shape))).PadRight(14));
            foreach (var c in columns) sb.Append($"{numerical[c][o]:G5} / {analytical[o][c]:G5}".PadLeft(w));
            if (columns.Any(c => Differs(o, c))) sb.Append("   ←");
            sb.Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }

    static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }

    /// <summary>Flat row-major index → multi-index.</summary>
    public static int[] Unravel(int index, int[] shape)
    {
        var r = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--) { r[k] = index % shape[k]; index /= shape[k]; }
        return r;
    }

    internal static string Coords(int[] index) => "(" + string.Join(", ", index) + ")";

    /// <summary>
    /// Second order (PyTorch's gradgradcheck): gradcheck of the function
    /// (x, v) ↦ Σᵢ ⟨∇ₓᵢ⟨f(x), v⟩, uᵢ⟩, where the gradient is computed with createGraph and v is the
    /// grad_output handed to the backward. So it checks that backward passes are themselves correctly
    /// differentiable, with respect to the inputs and to grad_output (the last input, named "grad_output").
    /// </summary>
    public static GradCheckResult RunSecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, int seed = 0)
    {
        var g = new RandomStream((ulong)seed + 99);
        var y = f(inputs);   // for its shape
        var v = new Tensor(NDArray.Uniform(y.Shape, -1, 1, DType.Float64, y.Device, g), requiresGrad: true) { Name = "grad_output" };
        var u = inputs.Select(x => new Tensor(NDArray.Uniform(x.Shape, -1, 1, DType.Float64, x.Device, g))).ToArray();
        Tensor GradDot(Tensor[] all)
        {
            var xs = all[..^1];
            using var _ = GradMode.EnableGrad();
            var grads = Engine.Grad([f(xs)], xs, [all[^1]], createGraph: true, allowUnused: true);
            Tensor total = Tensor.Scalar(0, DType.Float64, y.Device);
            for (int i = 0; i < grads.Length; i++) if (grads[i] is { } gi) total = total + (gi * u[i]).Sum();
            return total;
        }
        var xsAndV = inputs.Append(v).Select(x => new Tensor(x.Data.Clone(), requiresGrad: true) { Name = x.Name }).ToArray();
        return Check(() => GradDot(xsAndV), xsAndV, eps, atol, rtol, seed, "gradgradcheck");
    }

    /// <summary>Throws with the failure's message (input, shape, coordinates, Jacobian slice) when the check fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = Run(f, inputs);
        if (!r.Ok) throw new InvalidOperationException(r.ToString());
    }

    public static void AssertSecondOrder(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = RunSecondOrder(f, inputs);
        if (!r.Ok) throw new InvalidOperationException(r.ToString());
    }
}

/// <summary>Second-order gradient checks under the name PyTorch uses (torch.autograd.gradgradcheck).</summary>
public static class GradGradCheck
{
    /// <summary>See <see cref="GradCheck.RunSecondOrder"/>.</summary>
    public static GradCheckResult Run(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
        int seed = 0) =>
        GradCheck.RunSecondOrder(f, inputs, eps, atol, rtol, seed);

    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs) => GradCheck.AssertSecondOrder(f, inputs);
}
