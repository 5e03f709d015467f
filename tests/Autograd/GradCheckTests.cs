using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Scratch.Autograd;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Autograd;

/// <summary>An op under test: its name, and how to build its inputs (in float64) from random recipes.</summary>
public static class OpCatalog
{
    // Moves values at least 0.1 away from 0, where relu, abs and friends have kinks.
    public static NDArray AwayFromZero(NDArray x) => x + x.Sign() * 0.1 + x.Eq(NDArray.Zeros([], x.DType, x.Device)) * 0.1;

    public static readonly (string Name, Func<T, T> F, Func<NDArray, NDArray> Domain)[] Unary =
    [
        ("neg", x => -x, x => x),
        ("exp", x => x.Exp(), x => x),
        ("log", x => x.Log(), x => x.Abs() + 0.2),
        ("sqrt", x => x.Sqrt(), x => x.Abs() + 0.2),
        ("abs", x => x.Abs(), AwayFromZero),
        ("tanh", x => x.Tanh(), x => x),
        ("sigmoid", x => x.Sigmoid(), x => x),
        ("relu", x => x.Relu(), AwayFromZero),
        ("leaky_relu", x => x.LeakyRelu(0.2), AwayFromZero),
        ("pow2.5", x => x.Pow(2.5), x => x.Abs() + 0.2),
        ("pow2", x => x.Pow(2), x => x),
        ("clamp", x => x.Clamp(-0.5, 0.7), x => x),
        ("hardtanh", x => x.Hardtanh(-0.5, 0.7), x => x),   // continuous random inputs: never within ε of a corner
        ("affine", x => x * 3 - 1, x => x),
        ("sum_axis0_keep", x => x.Sum([0], keepDim: true), x => x),
        ("sum_last", x => x.Sum([-1]), x => x),
        ("mean", x => x.Mean(), x => x),
        ("max_last", x => x.Max(-1), x => x),
        ("softmax", x => x.Softmax(-1), x => x),
        ("log_softmax", x => x.LogSoftmax(0), x => x),
        ("logsumexp", x => x.LogSumExp(-1), x => x),
        ("reshape", x => x.Reshape(-1) * T.Scalar(1, DType.Float64, x.Device), x => x),
        ("permute_reverse", x => x.Permute(Enumerable.Range(0, x.Rank).Reverse().ToArray()).Contiguous(), x => x),
        ("narrow", x => x.Narrow(0, x.Shape[0] / 2, (x.Shape[0] + 1) / 2), x => x),
        ("expand", x => x.Unsqueeze(0).Expand([3, .. x.Shape]), x => x),
        ("cat_self", x => T.Cat([x, x * 2], -1), x => x),
    ];

    public static readonly (string Name, Func<T, T, T> F, Func<NDArray, NDArray> DomainB)[] Binary =
    [
        ("add", (a, b) => a + b, b => b),
        ("sub", (a, b) => a - b, b => b),
        ("mul", (a, b) => a * b, b => b),
        ("div", (a, b) => a / b, b => b.Abs() + 0.5),
        ("maximum", T.Maximum, b => b),
        ("minimum", T.Minimum, b => b),
        ("where", (a, b) => T.Where(a.Gt(b), a * a, b), b => b),
    ];
}

/// <summary>
/// Gradients checked against central differences, as FsCheck properties over the op catalogue, on every
/// backend the suite targets: a backward is composed of primitives, so a backend that computes one of
/// them wrongly gives wrong gradients there only. One subclass per device, below; the CPU backend runs
/// the most cases, the slower reference and ILGPU fewer.
/// </summary>
public abstract class GradCheckTests
{
    /// <summary>The device every input is made on, so the forward and both backward passes run there.</summary>
    protected abstract Device D { get; }

    static ArrayCase F64(ArrayCase c) => c with { DType = DType.Float64 };

    static void Ok(GradCheckResult r, string op, params ArrayCase[] cases) =>
        Assert.True(r.Ok, $"{op} {string.Join(" , ", cases.Select(c => c.ToString()))}: {r}");

    [Property]
    public void Unary_ops_first_order(ArrayCase c)
    {
        c = F64(c);
        foreach (var (name, f, domain) in OpCatalog.Unary)
        {
            var x = new T(domain(c.Make(D)));
            Ok(GradCheck.Run(xs => f(xs[0]), [x]), name, c);
        }
    }

    [Property]
    public void Binary_ops_first_order_with_broadcasting((ArrayCase A, ArrayCase B) p)
    {
        var (ca, cb) = (F64(p.A), F64(p.B));
        foreach (var (name, f, domainB) in OpCatalog.Binary)
        {
            var a = new T(ca.Make(D)); var b = new T(domainB(cb.Make(D)));
            Ok(GradCheck.Run(xs => f(xs[0], xs[1]), [a, b]), name, ca, cb);
        }
        var pa = new T(ca.Make(D, 0.3, 2)); var pb = new T(cb.Make(D));
        Ok(GradCheck.Run(xs => xs[0].Pow(xs[1]), [pa, pb]), "pow", ca, cb);
    }

    [Property]
    public void Matmul_first_and_second_order(byte m, byte k, byte n, bool batched, bool transposed, int seed)
    {
        int M = m % 4 + 1, K = k % 4 + 1, N = n % 4 + 1;
        var a = new ArrayCase(batched ? [2, M, K] : [M, K], DType.Float64, transposed ? 1 : 0, seed);
        var b = new ArrayCase([K, N], DType.Float64, 2, seed + 1);
        T[] In() => [new T(a.Make(D)), new T(b.Make(D))];
        Ok(GradCheck.Run(xs => xs[0].MatMul(xs[1]), In()), "matmul", a, b);
        Ok(GradCheck.RunSecondOrder(xs => xs[0].MatMul(xs[1]).Tanh(), In()), "matmul∘tanh (2nd)", a, b);
        var w = new ArrayCase([N, K], DType.Float64, 0, seed + 2); var bias = new ArrayCase([N], DType.Float64, 0, seed + 3);
        T[] Lin() => [new T(a.Make(D)), new T(w.Make(D)), new T(bias.Make(D))];
        Ok(GradCheck.Run(xs => xs[0].Linear(xs[1], xs[2]), Lin()), "linear", a, w);
        Ok(GradCheck.RunSecondOrder(xs => xs[0].Linear(xs[1], xs[2]).Sigmoid(), Lin()), "linear∘sigmoid (2nd)", a, w);
        var a3 = new ArrayCase([3, M, K], DType.Float64, 0, seed + 4); var b3 = new ArrayCase([3, K, N], DType.Float64, 2, seed + 5);
        Ok(GradCheck.Run(xs => xs[0].MatMulSumBatch(xs[1]), [new T(a3.Make(D)), new T(b3.Make(D))]), "matmul_sum_batch", a3, b3);
        Ok(GradCheck.RunSecondOrder(xs => xs[0].MatMulSumBatch(xs[1]).Tanh(), [new T(a3.Make(D)), new T(b3.Make(D))]),
            "matmul_sum_batch∘tanh (2nd)", a3, b3);
    }

    [Property]
    public void Convolutions_and_pools(byte cin, byte cout, byte hw, byte kk, byte st, byte pd, int seed)
    {
        int C = cin % 2 + 1, O = cout % 2 + 1, H = hw % 3 + 4, K = kk % 2 + 2, S = st % 2 + 1, P = pd % 2;
        var xc = new ArrayCase([2, C, H, H], DType.Float64, 0, seed);
        var wc = new ArrayCase([O, C, K, K], DType.Float64, 0, seed + 1);
        var wtc = new ArrayCase([C, O, K, K], DType.Float64, 0, seed + 2);
        var bc = new ArrayCase([O], DType.Float64, 0, seed + 3);
        T X() => new(xc.Make(D)); T W() => new(wc.Make(D)); T Wt() => new(wtc.Make(D)); T B() => new(bc.Make(D));
        Ok(GradCheck.Run(xs => xs[0].Conv2d(xs[1], xs[2], S, P), [X(), W(), B()]), $"conv2d s={S} p={P}", xc, wc);
        Ok(GradCheck.Run(xs => xs[0].ConvTranspose2d(xs[1], xs[2], S, P, S - 1), [X(), Wt(), B()]), $"conv_transpose2d s={S} p={P}", xc, wtc);
        Ok(GradCheck.Run(xs => xs[0].MaxPool2d(2), [X()]), "max_pool2d", xc);
        Ok(GradCheck.Run(xs => xs[0].AvgPool2d(2, 1), [X()]), "avg_pool2d", xc);
        Ok(GradCheck.Run(xs => xs[0].UpsampleNearest(2), [X()]), "upsample", xc);
        Ok(GradCheck.RunSecondOrder(xs => xs[0].Conv2d(xs[1], null, S, P).Tanh(), [X(), W()]), "conv2d∘tanh (2nd)", xc, wc);
        Ok(GradCheck.RunSecondOrder(xs => xs[0].ConvTranspose2d(xs[1], null, S, P, S - 1).Sigmoid(), [X(), Wt()]),
            "conv_transpose2d∘sigmoid (2nd)", xc, wtc);
        Ok(GradCheck.RunSecondOrder(xs => (xs[0] * xs[0]).MaxPool2d(2), [X()]), "square∘max_pool2d (2nd)", xc);
    }

    // Second order for every op WGAN-GP's critic and penalty use.
    [Property]
    public void Second_order_elementwise_and_reductions((ArrayCase A, ArrayCase B) p)
    {
        var (ca, cb) = (F64(p.A), F64(p.B));
        T A() => new(ca.Make(D)); T Bp() => new(cb.Make(D, 0.5, 2));
        var cases = new (string, Func<T[], T>, Func<T[]>)[]
        {
            ("tanh", xs => xs[0].Tanh(), () => [A()]),
            ("sigmoid", xs => xs[0].Sigmoid(), () => [A()]),
            ("leaky_relu", xs => xs[0].LeakyRelu(0.2) * xs[0], () => [new T(OpCatalog.AwayFromZero(ca.Make(D)))]),
            ("relu", xs => xs[0].Relu() * xs[0], () => [new T(OpCatalog.AwayFromZero(ca.Make(D)))]),
            ("add", xs => (xs[0] + xs[1]).Pow(2), () => [A(), Bp()]),
            ("sub", xs => (xs[0] - xs[1]).Pow(3), () => [A(), Bp()]),
            ("mul", xs => xs[0] * xs[1], () => [A(), Bp()]),
            ("div", xs => xs[0] / xs[1], () => [A(), Bp()]),
            ("pow", xs => xs[1].Pow(xs[0]), () => [A(), Bp()]),
            ("sqrt", xs => xs[1].Sqrt(), () => [A(), Bp()]),
            ("sum/mean", xs => (xs[0].Sum([0], keepDim: true) * xs[0]).Mean() + xs[0].Pow(2).Sum(), () => [A()]),
            ("reshape/permute/broadcast", xs => (xs[0].Reshape(-1).Unsqueeze(0).Expand(2, xs[0].Numel).T * xs[0].Reshape(-1, 1)).Pow(2), () => [A()]),
        };
        foreach (var (name, f, inputs) in cases)
            Ok(GradCheck.RunSecondOrder(f, inputs()), name + " (2nd)", ca, cb);
    }
}

[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 12)]
public sealed class GradCheckOnCpu : GradCheckTests { protected override Device D => Devices.Cpu; }

[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 4)]
public sealed class GradCheckOnReference : GradCheckTests { protected override Device D => Devices.Reference; }

// One case per property: on ILGPU's CPU emulator every launch costs about a millisecond, and gradcheck
// launches the forward twice per input element (two cases took 1–2 minutes on ilgpu-cpu, over 10 on
// ilgpu-cpu-nvidia, whose 32-thread warps are emulated, on the shared 2-core machine).
[Trait("Category", "Ilgpu")]
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 1)]
public sealed class GradCheckOnIlgpu : GradCheckTests { protected override Device D => Devices.Ilgpu; }

/// <summary>What a failing gradcheck reports: which input, which element, and what the Jacobian looks like there.</summary>
public class GradCheckDiagnosticsTests
{
    readonly Xunit.Abstractions.ITestOutputHelper _out;
    public GradCheckDiagnosticsTests(Xunit.Abstractions.ITestOutputHelper output) => _out = output;

    /// <summary>x ⊙ w with a hand-written backward; <paramref name="wrongAt"/> adds 1·g to w's gradient at one flat index.</summary>
    static T MulWithBackward(T x, T w, int wrongAt = -1, bool ignoreGrad = false, bool detachGrad = false)
    {
        var mask = new double[w.Numel];
        if (wrongAt >= 0) mask[wrongAt] = 1;
        var bump = NDArray.From(mask, w.Shape, DType.Float64, w.Device);
        return T.Function("mul_by_hand", x.Data * w.Data, [x, w], g =>
        {
            if (ignoreGrad) g = new T(g.Data.OnesLike());   // the bug: uses 1 instead of the incoming gradient
            if (detachGrad) g = g.Detach();                 // the bug: right values, but not differentiable in g
            return [g * w, g * x + g * new T(bump)];
        });
    }

    static T[] Named(int[] shape, int seed) =>
    [
        new(NDArray.Uniform(shape, -1, 1, DType.Float64, Device.Cpu, new RandomStream((ulong)seed))) { Name = "x" },
        new(NDArray.Uniform(shape, -1, 1, DType.Float64, Device.Cpu, new RandomStream((ulong)seed + 1))) { Name = "w" },
    ];

    [Fact]
    public void A_wrong_backward_is_named_by_input_shape_and_coordinates_with_the_jacobian_around_it()
    {
        Assert.True(GradCheck.Run(xs => MulWithBackward(xs[0], xs[1]).Tanh(), Named([2, 3], 1)).Ok);
        var r = GradCheck.Run(xs => MulWithBackward(xs[0], xs[1], wrongAt: 5).Tanh(), Named([2, 3], 1));   // flat 5 = (1, 2)
        _out.WriteLine(r.ToString());
        Assert.False(r.Ok);
        Assert.Equal((1, 5), (r.Input, r.Index));
        Assert.Equal([1, 2], r.Coordinates);
        Assert.StartsWith("gradcheck failed for input 1 'w' [2,3] at (1, 2): numerical", r.ToString());
        Assert.Contains("Jacobian ∂output/∂w near w(1, 2), numerical / analytical", r.Report);
        Assert.Contains("output(1, 2)", r.Report);   // the row where they differ, marked with an arrow
        Assert.Contains("←", r.Report);
        Assert.Contains("(1 of 6 output rows differ", r.Report);   // the header counts what it shows
        Assert.DoesNotContain("output(0, 0)", r.Report);           // a row of zeros on both sides says nothing
        var e = Assert.Throws<InvalidOperationException>(() => GradCheck.Assert(xs => MulWithBackward(xs[0], xs[1], wrongAt: 0), Named([3], 2)));
        Assert.StartsWith("gradcheck failed for input 1 'w' [3] at (0)", e.Message);
    }

    [Fact]
    public void A_backward_that_ignores_its_incoming_gradient_is_caught()
    {
        var r = GradCheck.Run(xs => MulWithBackward(xs[0], xs[1], ignoreGrad: true).Tanh(), Named([2, 2], 3));
        _out.WriteLine(r.ToString());
        Assert.False(r.Ok);
        Assert.Contains("does not scale with grad_output", r.Problem);
        Assert.StartsWith("gradcheck failed for input 0 'x' [2,2] at (", r.ToString());
    }

    [Fact]
    public void Gradgradcheck_also_differentiates_with_respect_to_grad_output()
    {
        // Right first derivatives, and right second derivatives in x and w: only ∂/∂grad_output is wrong.
        Assert.True(GradCheck.Run(xs => MulWithBackward(xs[0], xs[1], detachGrad: true), Named([2, 2], 4)).Ok);
        Assert.True(GradGradCheck.Run(xs => MulWithBackward(xs[0], xs[1]), Named([2, 2], 4)).Ok);
        var r = GradGradCheck.Run(xs => MulWithBackward(xs[0], xs[1], detachGrad: true), Named([2, 2], 4));
        _out.WriteLine(r.ToString());
        Assert.False(r.Ok);
        Assert.StartsWith("gradgradcheck failed for input 2 'grad_output' [2,2] at (", r.ToString());
    }
}
