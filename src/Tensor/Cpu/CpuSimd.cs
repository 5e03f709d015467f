using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Scratch.Tensors.Cpu;

/// <summary>
/// Fast paths: when a row is dense, ops that System.Numerics.Tensors.TensorPrimitives implements
/// with SIMD go there. The typeof tests are constants in each generic instantiation, so the JIT
/// keeps only the matching branch. Returns false when there is no fast path (the caller's scalar
/// loop, calling the op's own Apply, is then the definition).
/// </summary>
internal static class CpuSimd
{
    public static bool Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp
    {
        if (typeof(TOp) == typeof(Op.ScaleShift)) { TensorPrimitives.Multiply(x, a, y); if (b != T.Zero) TensorPrimitives.Add(y, b, y); return true; }
        if (typeof(TOp) == typeof(Op.Exp)) { TensorPrimitives.Exp(x, y); return true; }
        if (typeof(TOp) == typeof(Op.Log)) { TensorPrimitives.Log(x, y); return true; }
        if (typeof(TOp) == typeof(Op.Tanh))
        {
            if (typeof(T) == typeof(float)) TanhF32(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
            else TensorPrimitives.Tanh(x, y);
            return true;
        }
        if (typeof(TOp) == typeof(Op.Sqrt)) { TensorPrimitives.Sqrt(x, y); return true; }
        if (typeof(TOp) == typeof(Op.Neg)) { TensorPrimitives.Negate(x, y); return true; }
        if (typeof(TOp) == typeof(Op.Abs)) { TensorPrimitives.Abs(x, y); return true; }
        if (typeof(TOp) == typeof(Op.Relu)) { TensorPrimitives.Max(x, T.Zero, y); return true; }
        if (typeof(TOp) == typeof(Op.Pow) && a == T.One + T.One) { TensorPrimitives.Multiply(x, x, y); return true; }
        if (typeof(TOp) == typeof(Op.LeakyRelu)) { LeakyRelu(x, y, a); return true; }
        if (typeof(TOp) == typeof(Op.Above)) { Above(x, y, a); return true; }
        if (typeof(TOp) == typeof(Op.Sigmoid)) { TensorPrimitives.Sigmoid(x, y); return true; }
        return false;
    }

    // max(x,0) + slope·min(x,0), written with Vector<T> so it runs at SIMD width.
    static void LeakyRelu<T>(ReadOnlySpan<T> x, Span<T> y, T slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var s = new Vector<T>(slope);
        for (; i <= x.Length - w; i += w)
        {
            var v = new Vector<T>(x.Slice(i));
            Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), v, v * s).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : x[i] * slope;
    }

    // tanh for float32 at SIMD width: the odd rational approximation x·P(x²)/Q(x²) that Eigen uses
    // (accurate to a few ulp on [−7.9, 7.9], where tanh rounds to ±1 beyond). TensorPrimitives.Tanh
    // runs element by element here, about 3× slower than this.
    static void TanhF32(ReadOnlySpan<float> x, Span<float> y)
    {
        const float a1 = 4.89352455891786e-03f, a3 = 6.37261928875436e-04f, a5 = 1.48572235717979e-05f, a7 = 5.12229709037114e-08f,
                    a9 = -8.60467152213735e-11f, a11 = 2.00018790482477e-13f, a13 = -2.76076847742355e-16f,
                    b0 = 4.89352518554385e-03f, b2 = 2.26843463243900e-03f, b4 = 1.18534705686654e-04f, b6 = 1.19825839466702e-06f,
                    clamp = 7.90531110763549805f;
        int i = 0, w = Vector<float>.Count;
        for (; i <= x.Length - w; i += w)
        {
            var v = Vector.Min(Vector.Max(new Vector<float>(x.Slice(i)), new Vector<float>(-clamp)), new Vector<float>(clamp));
            var v2 = v * v;
            var p = Vector.FusedMultiplyAdd(v2, new Vector<float>(a13), new Vector<float>(a11));
            p = Vector.FusedMultiplyAdd(v2, p, new Vector<float>(a9));
            p = Vector.FusedMultiplyAdd(v2, p, new Vector<float>(a7));
            p = Vector.FusedMultiplyAdd(v2, p, new Vector<float>(a5));
            p = Vector.FusedMultiplyAdd(v2, p, new Vector<float>(a3));
            p = Vector.FusedMultiplyAdd(v2, p, new Vector<float>(a1));
            var q = Vector.FusedMultiplyAdd(v2, new Vector<float>(b6), new Vector<float>(b4));
            q = Vector.FusedMultiplyAdd(v2, q, new Vector<float>(b2));
            q = Vector.FusedMultiplyAdd(v2, q, new Vector<float>(b0));
            (v * p / q).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = MathF.Tanh(x[i]);
    }

    // 1 where x > a, else 0, at SIMD width.
    static void Above<T>(ReadOnlySpan<T> x, Span<T> y, T a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, w = Vector<T>.Count;
        var t = new Vector<T>(a);
        for (; i <= x.Length - w; i += w)
            Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(x.Slice(i)), t), Vector<T>.One, Vector<T>.Zero).CopyTo(y.Slice(i));
        for (; i < x.Length; i++) y[i] = x[i] > a ? T.One : T.Zero;
    }

    public static bool Zip<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        if (typeof(TOp) == typeof(Op.Axpby) || typeof(TOp) == typeof(Op.AxpbySquare) || typeof(TOp) == typeof(Op.DivSqrt) || typeof(TOp) == typeof(Op.SlopeMask) || typeof(TOp) == typeof(Op.AddLeakyRelu))
        {
            int i = 0, w = Vector<T>.Count;
            var va = new Vector<T>(a); var vb = new Vector<T>(b);
            for (; i <= x.Length - w; i += w)
            {
                var r = Lanes<T, TOp>(new Vector<T>(x.Slice(i)), new Vector<T>(y.Slice(i)), va, vb);
                r.CopyTo(d.Slice(i));
            }
            var op = default(TOp);
            for (; i < x.Length; i++) d[i] = op.Apply(x[i], y[i], a, b);
            return true;
        }
        if (typeof(TOp) == typeof(Op.Add)) { TensorPrimitives.Add(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Sub)) { TensorPrimitives.Subtract(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Mul)) { TensorPrimitives.Multiply(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Div)) { TensorPrimitives.Divide(x, y, d); return true; }
        return false;
    }

    // The SIMD form of each binary functor that has one (the JIT keeps only the TOp branch).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static Vector<T> Lanes<T, TOp>(Vector<T> vx, Vector<T> vy, Vector<T> va, Vector<T> vb) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp =>
        typeof(TOp) == typeof(Op.Axpby) ? va * vx + vb * vy
        : typeof(TOp) == typeof(Op.AxpbySquare) ? va * vx + vb * vy * vy
        : typeof(TOp) == typeof(Op.SlopeMask) ? Vector.ConditionalSelect(Vector.GreaterThan(vx, Vector<T>.Zero), vy, va * vy)   // branch-free
        : typeof(TOp) == typeof(Op.AddLeakyRelu) ? LeakyRelu(vx + vy, va)
        : vx / (Vector.SquareRoot(va * vy) + vb);   // DivSqrt

    static Vector<T> LeakyRelu<T>(Vector<T> s, Vector<T> slope) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.GreaterThan(s, Vector<T>.Zero), s, slope * s);

    /// <summary>y is one value broadcast along the row (a conv bias over a channel's pixels, a BatchNorm statistic).</summary>
    public static bool ZipScalarRight<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        if (typeof(TOp) == typeof(Op.Axpby) || typeof(TOp) == typeof(Op.AddLeakyRelu))
        {
            int i = 0, w = Vector<T>.Count;
            var vy = new Vector<T>(y); var va = new Vector<T>(a); var vb = new Vector<T>(b);
            for (; i <= x.Length - w; i += w) Lanes<T, TOp>(new Vector<T>(x.Slice(i)), vy, va, vb).CopyTo(d.Slice(i));
            var op = default(TOp);
            for (; i < x.Length; i++) d[i] = op.Apply(x[i], y, a, b);
            return true;
        }
        if (typeof(TOp) == typeof(Op.Add)) { TensorPrimitives.Add(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Sub)) { TensorPrimitives.Subtract(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Mul)) { TensorPrimitives.Multiply(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Div)) { TensorPrimitives.Divide(x, y, d); return true; }
        return false;
    }

    /// <summary>x is one value broadcast along the row.</summary>
    public static bool ZipScalarLeft<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp
    {
        if (typeof(TOp) == typeof(Op.Add)) { TensorPrimitives.Add(y, x, d); return true; }
        if (typeof(TOp) == typeof(Op.Sub)) { TensorPrimitives.Subtract(x, y, d); return true; }
        if (typeof(TOp) == typeof(Op.Mul)) { TensorPrimitives.Multiply(y, x, d); return true; }
        if (typeof(TOp) == typeof(Op.Div)) { TensorPrimitives.Divide(x, y, d); return true; }
        return false;
    }

    public static T Reduce<T, TOp>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        if (typeof(TOp) == typeof(Op.Sum)) return TensorPrimitives.Sum(x);
        if (typeof(TOp) == typeof(Op.Max) && x.Length > 0) return TensorPrimitives.Max(x);
        var op = default(TOp);
        var acc = op.Identity<T>();
        foreach (var v in x) acc = op.Combine(acc, v);
        return acc;
    }

    /// <summary>acc[i] = combine(acc[i], x[i]) for a whole row.</summary>
    public static void Accumulate<T, TOp>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp
    {
        if (typeof(TOp) == typeof(Op.Sum)) { TensorPrimitives.Add(acc, x, acc); return; }
        if (typeof(TOp) == typeof(Op.Max)) { TensorPrimitives.Max(acc, x, acc); return; }
        var op = default(TOp);
        for (int i = 0; i < acc.Length; i++) acc[i] = op.Combine(acc[i], x[i]);
    }
}
