using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

// IEEE special values are part of the specification: NaN, ±∞, −0 and subnormals are what a diverging GAN
// produces, and every backend must give the reference's results on them (the table in docs/backends.md).

/// <summary>The matmul and convolution recipes with special values mixed in.</summary>
public static class SpecialReferenceArbitraries
{
    public static Arbitrary<ReferenceEquality.MatMulCase> MatMul() => Arb.From(ReferenceArbitraries.MatMulCases(specials: true));
    public static Arbitrary<ReferenceEquality.ConvCase> Conv() => Arb.From(ReferenceArbitraries.ConvCases(specials: true));
}

/// <summary>
/// Every primitive property of <see cref="ReferenceEquality"/> again, on inputs of which about a third are
/// NaN, ±∞, ±0 or subnormal: NaN exactly where the reference has NaN, the same infinities, the same sign
/// on every zero (sums aside), other values within the usual tolerances.
/// </summary>
[Properties(Arbitrary = [typeof(SpecialArbitraries), typeof(SpecialReferenceArbitraries)], MaxTest = 40)]
public class CpuEqualsReferenceOnSpecialValues : ReferenceEquality
{
    protected override Device Fast => Devices.Cpu;
}

[Trait("Category", "Ilgpu")]
[Properties(Arbitrary = [typeof(SpecialArbitraries), typeof(SpecialReferenceArbitraries)], MaxTest = 15)]
public class IlgpuEqualsReferenceOnSpecialValues : ReferenceEquality
{
    protected override Device Fast => Devices.Ilgpu;
}

/// <summary>
/// Worked examples: the values the issue measured, float32 [NaN, +∞, −∞, −0, 1, −1], through the ops
/// where the backends used to disagree, with the results PyTorch gives written out. The vector is
/// repeated to 48 elements, so the CPU's SIMD rows (8 or 16 lanes) run on it, not only its scalar tail.
/// </summary>
public abstract class SpecialValueExamples
{
    protected abstract Device D { get; }

    const double NaN = double.NaN, Inf = double.PositiveInfinity;
    static readonly double[] Measured = [NaN, Inf, -Inf, -0.0, 1, -1];

    NDArray Input(DType dt) => NDArray.From(Repeat(Measured), [Repeat(Measured).Length], dt, D);
    static double[] Repeat(double[] v) => Enumerable.Repeat(v, 8).SelectMany(x => x).ToArray();

    /// <summary>
    /// NaN, ∞ and zeros (with their signs) exactly; other values within a few ulps of the double-precision
    /// number written in the test (an exact float32 result still differs from it by its rounding).
    /// </summary>
    static void Expect(double[] expected, NDArray actual, string what) =>
        Check.Close(expected, actual.ToDoubles(), actual.DType == DType.Float32 ? 3e-7 : 1e-15, 0, $"{actual.Device} {actual.DType.Name()} {what}",
            zeroSign: true);

    /// <summary>Bit for bit, zero signs included.</summary>
    static void Exactly(double[] expected, NDArray actual, string what) =>
        Check.Close(expected, actual.ToDoubles(), 0, 0, $"{actual.Device} {actual.DType.Name()} {what}", zeroSign: true);

    public static TheoryData<DType> DTypes => new() { DType.Float32, DType.Float64 };

    [Theory, MemberData(nameof(DTypes))]
    public void Relu_keeps_nan_and_negative_zero(DType dt) => Exactly(Repeat([NaN, Inf, 0, -0.0, 1, 0]), Input(dt).Relu(), "relu");

    [Theory, MemberData(nameof(DTypes))]
    public void Max_propagates_nan(DType dt)
    {
        Exactly([NaN], Input(dt).Max(), "max");
        Exactly([Inf], Input(dt).Narrow(0, 1, 5).Max(), "max without the NaN");
        Exactly([0.0], NDArray.From([-0.0, 0.0, -0.0, -Inf], [4], dt, D).Max(), "max of both zeros");   // +0 is above −0
    }

    [Theory, MemberData(nameof(DTypes))]
    public void Maximum_and_minimum_order_zeros(DType dt)
    {
        var x = NDArray.From(Repeat([-0.0, 0.0, NaN, 2, -0.0, Inf]), [48], dt, D);
        var y = NDArray.From(Repeat([0.0, -0.0, 3, NaN, -0.0, -Inf]), [48], dt, D);
        Exactly(Repeat([0.0, 0.0, NaN, NaN, -0.0, Inf]), NDArray.Maximum(x, y), "maximum");
        Exactly(Repeat([-0.0, -0.0, NaN, NaN, -0.0, -Inf]), NDArray.Minimum(x, y), "minimum");
    }

    [Theory, MemberData(nameof(DTypes))]
    public void Elementwise_math_on_special_values(DType dt)
    {
        var x = Input(dt);
        Expect(Repeat([NaN, Inf, 0, 1, Math.E, 1 / Math.E]), x.Exp(), "exp");
        Expect(Repeat([NaN, 1, -1, -0.0, Math.Tanh(1), -Math.Tanh(1)]), x.Tanh(), "tanh");
        Expect(Repeat([NaN, 1, 0, 0.5, 1 / (1 + 1 / Math.E), 1 / (1 + Math.E)]), x.Sigmoid(), "sigmoid");
        Exactly(Repeat([NaN, Inf, NaN, -Inf, 0, NaN]), x.Log(), "log");
        Exactly(Repeat([NaN, Inf, NaN, -0.0, 1, NaN]), x.Sqrt(), "sqrt");
        Exactly(Repeat([NaN, Inf, Inf, 0, 1, 1]), x.Abs(), "abs");
        Exactly(Repeat([0, 1, -1, 0, 1, -1]), x.Sign(), "sign");
        Expect(Repeat([NaN, Inf, -Inf * 0.2, -0.0, 1, -0.2]), x.LeakyRelu(0.2), "leaky_relu");
        Expect(Repeat([NaN, 0.7, -0.5, -0.0, 0.7, -0.5]), x.Clamp(-0.5, 0.7), "clamp");
        Exactly(Repeat([NaN, Inf, -Inf, -0.0, 3, -3]), x * 3, "x * 3");
        Exactly(Repeat([0, 1, 0, 0, 1, 0]), x.Above(0), "x > 0");
    }

    [Theory, MemberData(nameof(DTypes))]
    public void Exp_of_zero_is_one(DType dt) => Exactly(Enumerable.Repeat(1.0, 48).ToArray(), NDArray.Zeros([48], dt, D).Exp(), "exp(0)");

    [Theory, MemberData(nameof(DTypes))]
    public void Argmax_takes_the_first_nan(DType dt)
    {
        var x = NDArray.From([1, NaN, Inf, NaN, 2, -0.0, 0.0, -Inf], [2, 4], dt, D);
        Exactly([1, 0], x.ArgMax(-1, keepDim: false), "argmax");   // row 2: −0 and +0 tie, the first wins
    }

    [Theory, MemberData(nameof(DTypes))]
    public void Sums_of_infinities(DType dt)
    {
        var x = NDArray.From([Inf, 1, -Inf, 2, Inf, 3, 4, 5], [2, 4], dt, D);
        Exactly([NaN, Inf], x.Sum([1]), "sum");
    }
}

public sealed class SpecialValueExamplesOnCpu : SpecialValueExamples { protected override Device D => Devices.Cpu; }
public sealed class SpecialValueExamplesOnReference : SpecialValueExamples { protected override Device D => Devices.Reference; }
[Trait("Category", "Ilgpu")]
public sealed class SpecialValueExamplesOnIlgpu : SpecialValueExamples { protected override Device D => Devices.Ilgpu; }
