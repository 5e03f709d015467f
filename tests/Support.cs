using FsCheck;
using FsCheck.Fluent;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests;

/// <summary>The devices tests compare: the CPU backend, the ILGPU kernels on an ILGPU device, and the reference backend.</summary>
public static class Devices
{
    public static Device Cpu => Device.Cpu;
    /// <summary>The ILGPU devices SCRATCH_TEST_ILGPU may name.</summary>
    public static readonly string[] IlgpuChoices = ["ilgpu-cpu", "ilgpu-cpu-nvidia", "opencl", "cuda"];
    /// <summary>
    /// The ILGPU device every ILGPU-vs-reference property and model-step test runs on (each carries
    /// [Trait("Category", "Ilgpu")], so `--filter Category=Ilgpu` selects exactly them):
    /// SCRATCH_TEST_ILGPU = ilgpu-cpu (default) | ilgpu-cpu-nvidia | opencl | cuda. A device named there
    /// that is not available fails every such test with one line saying why, never a quiet fallback.
    /// </summary>
    public static Device Ilgpu
    {
        get
        {
            var name = IlgpuName;
            if (!IlgpuChoices.Contains(name))
                throw new InvalidOperationException(
                    $"SCRATCH_TEST_ILGPU={name} is not an ILGPU device (choose one of {string.Join(", ", IlgpuChoices)})");
            return Device.TryGet(name, out var d, out var why) ? d!
                : throw new InvalidOperationException($"SCRATCH_TEST_ILGPU={name}: that device is not available here: {why}");
        }
    }
    public static string IlgpuName =>
        Environment.GetEnvironmentVariable("SCRATCH_TEST_ILGPU") is { Length: > 0 } s ? s.Trim().ToLowerInvariant() : "ilgpu-cpu";
    /// <summary>
    /// Whether <see cref="Ilgpu"/> computes exp/log/cos/tanh with .NET's own functions (ILGPU's CPU
    /// accelerator runs the kernels as .NET code) rather than a device's (CUDA's approximations,
    /// an OpenCL compiler's libm: a few ulps apart).
    /// </summary>
    public static bool IlgpuMathIsDotNet => IlgpuName.StartsWith("ilgpu-cpu");
    /// <summary>The reference backend: plain scalar loops, the definition the other two must equal.</summary>
    public static Device Reference => Device.Reference;
}

/// <summary>A fact that runs only where a real GPU backend exists; elsewhere it is reported skipped, with the reason.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute(string kind, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (!Device.TryGet(kind, out _, out var why)) Skipping.Because(this, test, $"no {kind} device on this machine: {why}");
    }
}

/// <summary>
/// Skips a fact with its reason in its name. `dotnet test` prints at minimal verbosity by default, where
/// xunit's "[SKIP]" line shows only the test's display name: the reason is a separate informational line
/// that minimal hides (it appears only with --logger "console;verbosity=normal"). Carrying the reason
/// in the display name puts it on the one line every verbosity prints.
/// </summary>
public static class Skipping
{
    public static void Because(FactAttribute fact, string test, string reason)
    {
        fact.Skip = reason;
        fact.DisplayName = $"{test} (skipped: {reason})";
    }
}

public static class Check
{
    /// <summary>
    /// |e − a| ≤ abs + rel·|e| elementwise; reports the first element that is not. NaN must meet NaN and an
    /// infinity the same infinity (no tolerance makes ∞ close to a number); with <paramref name="zeroSign"/>,
    /// a zero must also have the expected sign (−0 = +0 as numbers, not as bits).
    /// </summary>
    public static void Close(double[] expected, double[] actual, double rel, double abs = 1e-6, string what = "", bool zeroSign = false)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: lengths differ ({expected.Length} vs {actual.Length})");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            bool close = e == a
                ? !zeroSign || e != 0 || double.IsNegative(e) == double.IsNegative(a)
                : double.IsFinite(e) && double.IsFinite(a) && Math.Abs(e - a) <= abs + rel * Math.Abs(e);
            if (!close) Assert.Fail($"{what}: element {i}: expected {Show(e)}, got {Show(a)} (|diff| {Math.Abs(e - a):E2})");
        }
    }

    /// <summary>A number as "R" shows it, but −0 as −0 (which "R" prints as "-0" only for doubles, not once converted).</summary>
    static string Show(double v) => v == 0 && double.IsNegative(v) ? "-0" : v.ToString("R");

    public static void Close(NDArray expected, NDArray actual, double rel, double abs = 1e-6, string what = "", bool zeroSign = false)
    {
        Assert.True(Shape.Same(expected.Shape, actual.Shape), $"{what}: shapes differ {expected.ShapeStr} vs {actual.ShapeStr}");
        Close(expected.ToDoubles(), actual.ToDoubles(), rel, abs, what, zeroSign);
    }

    public static double Tol(DType d) => d == DType.Float32 ? 1e-5 : 1e-12;

    /// <summary>
    /// (relative, absolute) tolerance for a value that went once through device log and cos, such as
    /// a Box–Muller normal draw r·cos θ with r ≤ 6: none where the device uses .NET's functions; else
    /// about 8 ulps relative (float32 ulp 2^-23 ≈ 1.2e-7, float64 2^-52 ≈ 2.2e-16), and absolute for
    /// draws near a zero of cos, where CUDA's cos.approx.f32 has absolute error 2^-20.9 ≈ 5e-7 (×6).
    /// pocl's float32 log/cos put draws up to 2.2e-7 relative off .NET's.
    /// </summary>
    public static (double Rel, double Abs) DeviceMath(DType d) =>
        Devices.IlgpuMathIsDotNet ? (0, 0) : d == DType.Float32 ? (1e-6, 4e-6) : (2e-15, 1e-14);
}

/// <summary>
/// A random array recipe: shape, dtype, how it is laid out (contiguous, a permuted view, a sliced
/// view) and a seed. <see cref="Make"/> builds the same values and layout on any device, so one
/// recipe gives the two backends identical inputs. Values are uniform in [low, high]; with
/// <paramref name="Specials"/>, about a third of them are IEEE special values instead (<see cref="SpecialValues"/>).
/// </summary>
public sealed record ArrayCase(int[] Shape, DType DType, int Layout, int Seed, bool Specials = false)
{
    /// <summary>
    /// What a diverging network produces and the finite-value properties never do: NaN, ±∞, both zeros,
    /// and subnormals (of the array's own dtype: 1e-40 is subnormal in float32, normal in float64).
    /// </summary>
    public static double[] SpecialValues(DType d)
    {
        double sub = d == DType.Float32 ? 1e-40 : 1e-310;
        return [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, sub, -sub];
    }

    public NDArray Make(Device d, double low = -2, double high = 2)
    {
        var rng = new Random(Seed);
        int n = Tensors.Shape.Numel(Shape);
        switch (Layout)
        {
            case 1 when Shape.Length >= 2:   // a transposed copy, viewed back: strides are not row-major
            {
                var perm = Enumerable.Range(0, Shape.Length).Reverse().ToArray();
                var baseShape = perm.Select(p => Shape[p]).ToArray();
                var v = Values(rng, n, low, high);
                return NDArray.From(v, baseShape, DType, d).Permute(perm);
            }
            case 2:                           // every other element of a larger array along dim 0
            {
                var big = (int[])Shape.Clone(); big[0] = Shape[0] * 2 + 1;
                var v = Values(rng, Tensors.Shape.Numel(big), low, high);
                return NDArray.From(v, big, DType, d).Slice(0, 1, big[0], 2);
            }
            default:
                return NDArray.From(Values(rng, n, low, high), Shape, DType, d);
        }
    }

    double[] Values(Random rng, int n, double low, double high)
    {
        var special = SpecialValues(DType);
        return Enumerable.Range(0, n).Select(_ =>
        {
            double uniform = low + (high - low) * rng.NextDouble();
            if (!Specials) return uniform;   // the finite recipes draw exactly what they always drew
            int pick = rng.Next(3 * special.Length);
            return pick < special.Length ? special[pick] : uniform;
        }).ToArray();
    }

    public override string ToString() =>
        $"{Tensors.Shape.Str(Shape)} {DType.Name()} layout={(Layout == 1 ? "permuted" : Layout == 2 ? "sliced" : "contiguous")} seed={Seed}{(Specials
            ? " with specials" : "")}";
}

/// <summary>
/// FsCheck generators for shapes and array recipes (1–4 dims, sizes 1–6), with finite values or, with
/// specials, IEEE special values mixed in (<see cref="ArrayCase.SpecialValues"/>).
/// </summary>
public static class Gens
{
    public static Gen<int[]> Shape(int minRank = 1, int maxRank = 4) =>
        Gen.Choose(minRank, maxRank).SelectMany(r => Gen.Choose(1, 6).ArrayOf(r));

    public static Gen<ArrayCase> Case(Gen<int[]> shape, bool specials = false) =>
        from s in shape
        from f64 in Gen.Elements(false, true)
        from layout in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, 1_000_000)
        select new ArrayCase(s, f64 ? DType.Float64 : DType.Float32, layout, seed, specials);

    /// <summary>Two shapes that broadcast: start from one shape, then set some dims to 1 or drop leading dims.</summary>
    public static Gen<(ArrayCase, ArrayCase)> BroadcastPair(bool specials = false) =>
        from s in Shape()
        from maskA in Gen.Choose(0, 15)
        from maskB in Gen.Choose(0, 15)
        from dropA in Gen.Choose(0, s.Length - 1)
        from f64 in Gen.Elements(false, true)
        from la in Gen.Choose(0, 2)
        from lb in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, 1_000_000)
        let dt = f64 ? DType.Float64 : DType.Float32
        let a = s.Skip(dropA).Select((d, i) => (maskA >> i & 1) == 1 ? 1 : d).ToArray()
        let b = s.Select((d, i) => (maskB >> i & 1) == 1 ? 1 : d).ToArray()
        select (new ArrayCase(a, dt, la, seed, specials), new ArrayCase(b, dt, lb, seed + 1, specials));
}

/// <summary>Array recipes with finite values, uniform in [−2, 2]: for the properties that need finite numbers (a tolerance, a gradient).</summary>
public static class Arbitraries
{
    public static Arbitrary<ArrayCase> ArrayCase() => Arb.From(Gens.Case(Gens.Shape()));
    public static Arbitrary<(ArrayCase, ArrayCase)> Pair() => Arb.From(Gens.BroadcastPair());
}

/// <summary>The same recipes with NaN, ±∞, ±0 and subnormals mixed in.</summary>
public static class SpecialArbitraries
{
    public static Arbitrary<ArrayCase> ArrayCase() => Arb.From(Gens.Case(Gens.Shape(), specials: true));
    public static Arbitrary<(ArrayCase, ArrayCase)> Pair() => Arb.From(Gens.BroadcastPair(specials: true));
}

/// <summary>Tests that measure a device's allocations run alone: parallel tests would allocate too.</summary>
[CollectionDefinition("serial", DisableParallelization = true)]
public sealed class SerialCollection;

/// <summary>
/// The composite ops (convolutions, pooling, softmax, upsampling) exist once, on the autograd Tensor.
/// Tests that check them on plain arrays go through it, without recording a graph.
/// </summary>
public static class ViaTensor
{
    static NDArray Run(NDArray x, Func<Scratch.Autograd.Tensor, Scratch.Autograd.Tensor> op) => op(new Scratch.Autograd.Tensor(x)).Data;
    public static NDArray Softmax(this NDArray x, int axis = -1) => Run(x, t => t.Softmax(axis));
    public static NDArray LogSoftmax(this NDArray x, int axis = -1) => Run(x, t => t.LogSoftmax(axis));
    public static NDArray Conv2d(this NDArray x, NDArray w, int stride = 1, int padding = 0) =>
        Run(x, t => t.Conv2d(new Scratch.Autograd.Tensor(w), null, stride, padding));
    public static NDArray ConvTranspose2d(this NDArray x, NDArray w, int stride = 1, int padding = 0, int outputPadding = 0) =>
        Run(x, t => t.ConvTranspose2d(new Scratch.Autograd.Tensor(w), null, stride, padding, outputPadding));
    public static NDArray AvgPool2d(this NDArray x, int k, int stride) => Run(x, t => t.AvgPool2d(k, stride));
    public static NDArray UpsampleNearest(this NDArray x, int factor) => Run(x, t => t.UpsampleNearest(factor));
    public static NDArray Gather(this NDArray x, NDArray index) => Run(x, t => t.Gather(new Scratch.Autograd.Tensor(index)));
}
