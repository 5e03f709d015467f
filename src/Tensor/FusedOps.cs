using System.Numerics;

namespace Scratch.Tensors;

// The fused functors: each is a few of the math functors (Ops.cs) in one pass, written for one caller
// (a layer's backward, BatchNorm, an optimizer, a loss), to save the reads, writes and GPU launches of
// the separate passes. They follow the same rules: one scalar Apply that every backend runs, an
// optional SIMD form beside it that must give the same numbers, NaN, ±∞ and −0 included.
public static partial class Op
{
    /// <summary>1/√(a·x + b): BatchNorm's 1/σ from a sum of squares (a = 1/n, b = ε) in one pass.</summary>
    public struct RsqrtScaleShift : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(a * x + b);
    }
    /// <summary>a·x + b·y: a running average in one pass (SGD without momentum).</summary>
    public struct Axpby : IBinaryLanes<Axpby>
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * x + b * y;
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> y, Vector<T> a, Vector<T> b)
            where T : unmanaged, IFloatingPointIeee754<T> => a * x + b * y;
    }
    /// <summary>Binary cross-entropy of logit x against target y, max(x, 0) − x·y + log(1 + e^(−|x|)): finite for any x.</summary>
    public struct BceWithLogits : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> =>
            (x > T.Zero ? x : T.Zero) - x * y + T.Log(T.Exp(-T.Abs(x)) + T.One);
    }
    /// <summary>x &gt; 0 ? y : a·y: (leaky) ReLU's gradient y masked by its input x in one pass.</summary>
    public struct SlopeMask : IBinaryLanes<SlopeMask>
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? y : a * y;
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> y, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), y, a * y);
    }
    /// <summary>
    /// Leaky ReLU of x + y, slope a: a layer's bias and its activation in one pass. Slope 0 is <see cref="Relu"/>
    /// exactly: a negative sum gives +0 (0·s would be −0, and NaN for s = −∞); NaN and −0 pass through.
    /// </summary>
    public struct AddLeakyRelu : IBinaryLanes<AddLeakyRelu>
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var s = x + y;
            return s < T.Zero ? (a == T.Zero ? T.Zero : a * s) : s;
        }
        public static Vector<T> Lanes<T>(Vector<T> x, Vector<T> y, Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var s = x + y;
            var negative = Vector.ConditionalSelect(Vector.Equals(a, Vector<T>.Zero), Vector<T>.Zero, a * s);
            return Vector.ConditionalSelect(Vector.LessThan(s, Vector<T>.Zero), negative, s);
        }
    }
    /// <summary>a &lt; x &lt; b ? y : 0: hardtanh's gradient y, passed only where its input x was inside (a, b).</summary>
    public struct HardtanhBackward : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > a && x < b ? y : T.Zero;
    }
}
