using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Scratch.Tensors;

// One scalar definition per op, shared by both backends: the CPU backend calls Apply in its loops
// (the JIT specialises and inlines struct generics), the ILGPU backend passes the struct into a
// generic kernel, so the GPU runs exactly this code. Scalar parameters (a slope, an exponent) arrive
// as arguments a and b already converted to T on the host: ILGPU cannot compile T.CreateTruncating.
//
// An op may also carry its SIMD form, for the CPU backend's dense rows, beside Apply: either a whole-row
// call (ApplyRow, e.g. TensorPrimitives.Exp) or a formula on Vector<T> lanes (Lanes, through
// IUnaryLanes/IBinaryLanes, which loop over a row with it). The forms are static members, so the
// JIT resolves and inlines them per functor as it does Apply; an op without one keeps the default
// ApplyRow, which answers false, and the caller's scalar loop over Apply runs.

/// <summary>An elementwise function of one value with up to two scalar parameters.</summary>
public interface IUnaryOp
{
    T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>y[i] = Apply(x[i], a, b) over a dense row at SIMD width; false where the op has no such form.</summary>
    static virtual bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>An elementwise function of two values, with up to two scalar parameters.</summary>
public interface IBinaryOp
{
    T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>d[i] = Apply(x[i], y[i], a, b) over dense rows at SIMD width; false where the op has no such form.</summary>
    static virtual bool ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => false;
    /// <summary>The same with y one value broadcast along the row (a conv bias over a channel's pixels, a BatchNorm statistic).</summary>
    static virtual bool ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => false;
    /// <summary>The same with x one value broadcast along the row.</summary>
    static virtual bool ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>A reduction: an identity and an associative combine.</summary>
public interface IReduceOp
{
    T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T>;
    T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T>;
    /// <summary>The whole dense row combined at SIMD width; false where the op has no such form.</summary>
    static virtual bool ReduceRow<T>(ReadOnlySpan<T> x, out T result) where T : unmanaged, IFloatingPointIeee754<T>
    { result = default; return false; }
    /// <summary>acc[i] = Combine(acc[i], x[i]) over a dense row at SIMD width; false where the op has no such form.</summary>
    static virtual bool AccumulateRow<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => false;
}

/// <summary>A unary op whose SIMD form is a formula on Vector&lt;T&gt; lanes; its rows run that, then Apply on the tail.</summary>
public interface IUnaryLanes<TSelf> : IUnaryOp where TSelf : struct, IUnaryLanes<TSelf>
{
    /// <summary>Apply on SIMD lanes, with the same operations in the same order, so both give equal numbers.</summary>
    static abstract Vector<T> Lanes<T>(Vector<T> x, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>;

    static bool IUnaryOp.ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b)
    {
        int i = 0, w = Vector<T>.Count;
        Vector<T> va = new(a), vb = new(b);
        for (; i <= x.Length - w; i += w) TSelf.Lanes(new Vector<T>(x.Slice(i)), va, vb).CopyTo(y.Slice(i));
        var op = default(TSelf);
        for (; i < x.Length; i++) y[i] = op.Apply(x[i], a, b);
        return true;
    }
}

/// <summary>A binary op whose SIMD form is a formula on Vector&lt;T&gt; lanes; its rows (either operand may be
/// one broadcast value) run that, then Apply on the tail.</summary>
public interface IBinaryLanes<TSelf> : IBinaryOp where TSelf : struct, IBinaryLanes<TSelf>
{
    /// <summary>Apply on SIMD lanes, with the same operations in the same order, so both give equal numbers.</summary>
    static abstract Vector<T> Lanes<T>(Vector<T> x, Vector<T> y, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>;

    static bool IBinaryOp.ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b)
    {
        int i = 0, w = Vector<T>.Count;
        Vector<T> va = new(a), vb = new(b);
        for (; i <= x.Length - w; i += w) TSelf.Lanes(new Vector<T>(x.Slice(i)), new Vector<T>(y.Slice(i)), va, vb).CopyTo(d.Slice(i));
        var op = default(TSelf);
        for (; i < x.Length; i++) d[i] = op.Apply(x[i], y[i], a, b);
        return true;
    }

    static bool IBinaryOp.ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b)
    {
        int i = 0, w = Vector<T>.Count;
        Vector<T> vy = new(y), va = new(a), vb = new(b);
        for (; i <= x.Length - w; i += w) TSelf.Lanes(new Vector<T>(x.Slice(i)), vy, va, vb).CopyTo(d.Slice(i));
        var op = default(TSelf);
        for (; i < x.Length; i++) d[i] = op.Apply(x[i], y, a, b);
        return true;
    }

    static bool IBinaryOp.ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b)
    {
        int i = 0, w = Vector<T>.Count;
        Vector<T> vx = new(x), va = new(a), vb = new(b);
        for (; i <= y.Length - w; i += w) TSelf.Lanes(vx, new Vector<T>(y.Slice(i)), va, vb).CopyTo(d.Slice(i));
        var op = default(TSelf);
        for (; i < y.Length; i++) d[i] = op.Apply(x, y[i], a, b);
        return true;
    }
}

/// <summary>
/// The math functors. Each one's results on NaN, ±∞ and −0 are PyTorch's (the table in docs/backends.md);
/// where a formula alone would not give them (relu, max, min), the functor says how. The fused ops a
/// layer's backward or an optimizer uses are in FusedOps.cs.
/// </summary>
public static partial class Op
{
    /// <summary>
    /// IEEE 754-2019 maximum, PyTorch's maximum: NaN if either is NaN, and +0 above −0 (they compare equal,
    /// so a plain x &gt; y would keep whichever came first). Commutative and associative, so every order of a
    /// reduction gives the same result. Zeros of both signs meet in x + y, which is −0 only when both are.
    /// </summary>
    public static T MaxOf<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.IsNaN(x) || x > y ? x : y > x || T.IsNaN(y) ? y : x == T.Zero ? x + y : x;

    /// <summary>IEEE 754-2019 minimum: <see cref="MaxOf"/> mirrored, so NaN wins and −0 is below +0.</summary>
    public static T MinOf<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => -MaxOf(-x, -y);

    /// <summary>
    /// Whether v displaces the best so far in an argmax scan: it is larger, or it is the first NaN. PyTorch's
    /// argmax: NaN counts as the largest value, and of equal values the first wins.
    /// </summary>
    public static bool ArgMaxTakes<T>(T v, T best) where T : unmanaged, IFloatingPointIeee754<T> => v > best || (T.IsNaN(v) && !T.IsNaN(best));

    /// <summary>The same for a max-pool window, as PyTorch's max_pool2d: larger, or any NaN, so the window's last NaN wins.</summary>
    public static bool PoolTakes<T>(T v, T best) where T : unmanaged, IFloatingPointIeee754<T> => v > best || T.IsNaN(v);

    // ---- unary ----
    public struct Neg : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => -x;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Negate(x, y); return true; }
    }
    /// <summary>Its float32 rows use <see cref="VectorExp"/>: TensorPrimitives.Exp gives 1.0000001 for e⁰.</summary>
    public struct Exp : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float)) VectorExp.Row(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
            else TensorPrimitives.Exp(x, y);
            return true;
        }
    }
    public struct Log : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Log(x, y); return true; }
    }
    public struct Sqrt : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Sqrt(x, y); return true; }
    }
    public struct Abs : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Abs(x, y); return true; }
    }
    /// <summary>
    /// Its float32 rows use <see cref="VectorTanh"/>, a rational approximation a few ulp from T.Tanh. float64 rows
    /// run the scalar loop: TensorPrimitives.Tanh (10.0.0) gives tanh(±0) the wrong sign, in both widths.
    /// </summary>
    public struct Tanh : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) != typeof(float)) return false;
            VectorTanh.Row(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
            return true;
        }
    }
    /// <summary>Stable logistic: never evaluates exp of a large positive number.</summary>
    public struct Sigmoid : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
            var e = T.Exp(x);
            return e / (T.One + e);
        }
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Sigmoid(x, y); return true; }
    }
    /// <summary>
    /// PyTorch's relu, clamp_min(x, 0): only a negative x becomes 0, so NaN stays NaN and −0 stays −0.
    /// (x &gt; 0 ? x : 0 would turn NaN into 0; TensorPrimitives.Max(x, 0) turns −0 into +0.)
    /// </summary>
    public struct Relu : IUnaryLanes<Relu>
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x < T.Zero ? T.Zero : x;
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), Vector<T>.Zero, x);
    }
    /// <summary>a = negative slope. PyTorch's formula: NaN·a stays NaN, −0·a is −0.</summary>
    public struct LeakyRelu : IUnaryLanes<LeakyRelu>
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * a;
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * a);
    }
    /// <summary>x^a.</summary>
    public struct Pow : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == T.One + T.One ? x * x : T.Pow(x, a);
        /// <summary>Only the square has a SIMD form.</summary>
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (a != T.One + T.One) return false;
            TensorPrimitives.Multiply(x, x, y);
            return true;
        }
    }
    /// <summary>min(max(x, a), b); NaN stays NaN (neither comparison holds), as in PyTorch.</summary>
    public struct Clamp : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x < a ? a : (x > b ? b : x); }
    /// <summary>−1, 0 or 1; NaN gives 0 and −0 gives +0, as PyTorch's sign does (its comparisons are false for NaN).</summary>
    public struct Sign : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : (x < T.Zero ? -T.One : T.Zero);
    }
    /// <summary>
    /// a·x + b: scalar scale and shift in one pass. b = 0 is x * a alone (NDArray's x * s), so −0·a stays −0
    /// as in PyTorch, where adding +0 would make it +0.
    /// </summary>
    public struct ScaleShift : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => b == T.Zero ? a * x : a * x + b;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, Span<T> y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            TensorPrimitives.Multiply(x, a, y);
            if (b != T.Zero) TensorPrimitives.Add(y, b, y);
            return true;
        }
    }
    /// <summary>1 where x &gt; a, else 0 (so 0 for NaN): the mask behind relu's and max's gradients.</summary>
    public struct Above : IUnaryLanes<Above>
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > a ? T.One : T.Zero;
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, a), Vector<T>.One, Vector<T>.Zero);
    }

    // ---- binary ----
    public struct Add : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x + y;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Add(x, y, d); return true; }
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Add(x, y, d); return true; }
        public static bool ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Add(y, x, d); return true; }
    }
    public struct Sub : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x - y;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Subtract(x, y, d); return true; }
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Subtract(x, y, d); return true; }
        public static bool ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Subtract(x, y, d); return true; }
    }
    public struct Mul : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x * y;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Multiply(x, y, d); return true; }
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Multiply(x, y, d); return true; }
        public static bool ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Multiply(y, x, d); return true; }
    }
    public struct Div : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x / y;
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Divide(x, y, d); return true; }
        public static bool ApplyRow<T>(ReadOnlySpan<T> x, T y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Divide(x, y, d); return true; }
        public static bool ApplyRow<T>(T x, ReadOnlySpan<T> y, Span<T> d, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Divide(x, y, d); return true; }
    }
    public struct PowTensor : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(x, y); }
    /// <summary>PyTorch's maximum: NaN propagates, +0 is above −0 (<see cref="MaxOf"/>).</summary>
    public struct Maximum : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => MaxOf(x, y); }
    /// <summary>PyTorch's minimum: NaN propagates, −0 is below +0 (<see cref="MinOf"/>).</summary>
    public struct Minimum : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => MinOf(x, y); }
    // Comparisons with NaN are false (Eq too), as in PyTorch; −0 equals +0.
    public struct Eq : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x == y ? T.One : T.Zero; }
    public struct Lt : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x < y ? T.One : T.Zero; }
    public struct Le : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x <= y ? T.One : T.Zero; }
    public struct Gt : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > y ? T.One : T.Zero; }
    public struct Ge : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x >= y ? T.One : T.Zero; }

    // ---- reductions ----
    /// <summary>
    /// IEEE addition: ∞ + (−∞) is NaN, in any order. The sign of a sum of zeros is not specified: the fold
    /// starts at +0, the CPU's row accumulation at the first row.
    /// </summary>
    public struct Sum : IReduceOp
    {
        public T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T> => T.Zero;
        public T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T> => acc + x;
        public static bool ReduceRow<T>(ReadOnlySpan<T> x, out T result) where T : unmanaged, IFloatingPointIeee754<T>
        { result = TensorPrimitives.Sum(x); return true; }
        public static bool AccumulateRow<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Add(acc, x, acc); return true; }
    }
    /// <summary>
    /// PyTorch's max: a NaN anywhere makes the result NaN, and +0 is above −0 (<see cref="MaxOf"/>), which
    /// is also what TensorPrimitives.Max does, so the rows and the fold agree in every order.
    /// </summary>
    public struct Max : IReduceOp
    {
        public T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T> => T.NegativeInfinity;
        public T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T> => MaxOf(acc, x);
        /// <summary>TensorPrimitives.Max has no identity for an empty row; Combine's fold gives −∞ there.</summary>
        public static bool ReduceRow<T>(ReadOnlySpan<T> x, out T result) where T : unmanaged, IFloatingPointIeee754<T>
        {
            result = x.Length > 0 ? TensorPrimitives.Max(x) : default;
            return x.Length > 0;
        }
        public static bool AccumulateRow<T>(Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
        { TensorPrimitives.Max(acc, x, acc); return true; }
    }
}
