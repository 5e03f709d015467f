using System.Numerics;

namespace Scratch.Tensors;

// One scalar definition per op, shared by both backends: the CPU backend calls Apply in its loops
// (the JIT specialises and inlines struct generics), the ILGPU backend passes the struct into a
// generic kernel, so the GPU runs exactly this code. Scalar parameters (a slope, an exponent) arrive
// as arguments a and b already converted to T on the host: ILGPU cannot compile T.CreateTruncating.

/// <summary>An elementwise function of one value with up to two scalar parameters.</summary>
public interface IUnaryOp { T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>; }

/// <summary>An elementwise function of two values, with up to two scalar parameters.</summary>
public interface IBinaryOp { T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>; }

/// <summary>A reduction: an identity and an associative combine.</summary>
public interface IReduceOp
{
    T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T>;
    T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

public static class Op
{
    // ---- unary ----
    public struct Neg : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => -x; }
    public struct Exp : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x); }
    public struct Log : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x); }
    public struct Sqrt : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x); }
    public struct Abs : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x); }
    public struct Tanh : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x); }
    /// <summary>Stable logistic: never evaluates exp of a large positive number.</summary>
    public struct Sigmoid : IUnaryOp
    {
        public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
            var e = T.Exp(x);
            return e / (T.One + e);
        }
    }
    public struct Relu : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero; }
    /// <summary>a = negative slope.</summary>
    public struct LeakyRelu : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * a; }
    /// <summary>x^a.</summary>
    public struct Pow : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == T.One + T.One ? x * x : T.Pow(x, a); }
    /// <summary>min(max(x, a), b).</summary>
    public struct Clamp : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x < a ? a : (x > b ? b : x); }
    public struct Sign : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : (x < T.Zero ? -T.One : T.Zero); }
    /// <summary>a*x + b: scalar scale and shift in one pass.</summary>
    public struct ScaleShift : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * x + b; }
    /// <summary>1/√(a·x + b): BatchNorm's 1/σ from a sum of squares (a = 1/n, b = ε) in one pass.</summary>
    public struct RsqrtScaleShift : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(a * x + b); }
    /// <summary>1 where x &gt; a, else 0: the mask behind relu's and max's gradients.</summary>
    public struct Above : IUnaryOp { public T Apply<T>(T x, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > a ? T.One : T.Zero; }

    // ---- binary ----
    public struct Add : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x + y; }
    public struct Sub : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x - y; }
    public struct Mul : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x * y; }
    public struct Div : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x / y; }
    public struct PowTensor : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(x, y); }
    public struct Maximum : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x >= y ? x : y; }
    public struct Minimum : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x <= y ? x : y; }
    public struct Eq : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x == y ? T.One : T.Zero; }
    public struct Lt : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x < y ? T.One : T.Zero; }
    public struct Le : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x <= y ? T.One : T.Zero; }
    public struct Gt : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > y ? T.One : T.Zero; }
    public struct Ge : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x >= y ? T.One : T.Zero; }
    /// <summary>a·x + b·y: a running average in one pass (optimizers).</summary>
    public struct Axpby : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * x + b * y; }
    /// <summary>a·x + b·y²: a running average of squares (Adam's and RMSprop's second moment).</summary>
    public struct AxpbySquare : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * x + b * y * y; }
    /// <summary>Binary cross-entropy of logit x against target y, max(x, 0) − x·y + log(1 + e^(−|x|)): finite for any x.</summary>
    public struct BceWithLogits : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> =>
            (x > T.Zero ? x : T.Zero) - x * y + T.Log(T.Exp(-T.Abs(x)) + T.One);
    }
    /// <summary>x &gt; 0 ? y : a·y: (leaky) ReLU's gradient y masked by its input x in one pass.</summary>
    public struct SlopeMask : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? y : a * y; }
    /// <summary>(Leaky) ReLU of x + y, slope a: a layer's bias and its activation in one pass.</summary>
    public struct AddLeakyRelu : IBinaryOp
    {
        public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> { var s = x + y; return s > T.Zero ? s : a * s; }
    }
    /// <summary>a &lt; x &lt; b ? y : 0: hardtanh's gradient y, passed only where its input x was inside (a, b).</summary>
    public struct HardtanhBackward : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x > a && x < b ? y : T.Zero; }
    /// <summary>x / (√(a·y) + b): Adam's step direction m̂/(√v̂ + ε), with the bias corrections folded into a.</summary>
    public struct DivSqrt : IBinaryOp { public T Apply<T>(T x, T y, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.Sqrt(a * y) + b); }

    // ---- reductions ----
    public struct Sum : IReduceOp
    {
        public T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T> => T.Zero;
        public T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T> => acc + x;
    }
    public struct Max : IReduceOp
    {
        public T Identity<T>() where T : unmanaged, IFloatingPointIeee754<T> => T.NegativeInfinity;
        public T Combine<T>(T acc, T x) where T : unmanaged, IFloatingPointIeee754<T> => x > acc ? x : acc;
    }
}
