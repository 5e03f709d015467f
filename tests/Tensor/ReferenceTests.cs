using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// The reference backend (<c>cpu-ref</c>) is the definition of every primitive; a fast backend must
/// give the same numbers. Each property calls one <see cref="IBackend"/> primitive directly, on the
/// reference and on the fast backend, with inputs built from one random recipe: random shapes,
/// strided views (permuted, sliced), broadcast views (stride 0) and strided destinations. Whole
/// storages are compared, so a write outside a destination view is caught too. Ops and update rules
/// are found by reflection: a new functor is tested without touching this file.
/// Two subclasses run the same properties: fast CPU == reference, ILGPU (on the SCRATCH_TEST_ILGPU device) == reference.
/// </summary>
public abstract class ReferenceEquality
{
    protected abstract Device Fast { get; }
    static Device Ref => Devices.Reference;

    // ---- what is compared, and how closely ----

    /// <summary>
    /// Runs the same calls on both devices and compares the arrays each returns: NaN where the reference has
    /// NaN, the same infinities, and (unless <paramref name="zeroSign"/> is off, for sums in another order)
    /// the same sign on every zero.
    /// </summary>
    void Same(string what, Func<Device, NDArray[]> run, (double Rel, double Abs) tol, bool zeroSign = true)
    {
        var expected = run(Ref); var actual = run(Fast);
        for (int i = 0; i < expected.Length; i++)
            Check.Close(expected[i], actual[i], tol.Rel, tol.Abs,
                $"{Fast} vs cpu-ref, {what}" + (expected.Length > 1 ? $", output {i}" : ""), zeroSign);
    }

    /// <summary>The whole storage under a view, as one flat array: elements outside the view must be untouched.</summary>
    static NDArray Whole(NDArray view) => new(view.Storage, [view.Storage.Length], [1], 0);

    /// <summary>A destination that is itself a strided view (layout 1 permuted, 2 sliced), filled with values about to be overwritten.</summary>
    static NDArray Dst(int[] shape, DType dt, int layout, Device d) => new ArrayCase(shape, dt, layout % 3, 12345).Make(d);

    // float32 ops a GPU may compute with approximate instructions (CUDA's tanh.approx has a relative
    // error up to 2^-11, ex2/lg2.approx a few ulp): 1e-3 relative holds there too. The SIMD forms of
    // the CPU backend (TensorPrimitives' exp, a rational tanh) are a few ulp off the scalar form.
    static readonly Type[] Approximate = [typeof(Op.Exp), typeof(Op.Log), typeof(Op.Tanh), typeof(Op.Sigmoid), typeof(Op.Pow), typeof(Op.PowTensor),
        typeof(Op.BceWithLogits)];
    static (double, double) Tol(DType dt, Type? op = null) =>
        dt == DType.Float64 ? (1e-12, 1e-12) : Approximate.Contains(op) ? (1e-3, 1e-5) : (1e-5, 1e-6);
    /// <summary>For sums of n terms of size ~2, added in another order: the rounding grows with n.</summary>
    static (double, double) SumTol(DType dt, int n) => dt == DType.Float64 ? (1e-12, 1e-13 * n) : (1e-5, 2e-6 * n);
    static readonly (double Rel, double Abs) Exact = (0, 0);

    public static Type[] OpsOf<TKind>() => typeof(Op).GetNestedTypes().Where(t => typeof(TKind).IsAssignableFrom(t)).ToArray();
    /// <summary>Every optimizer rule (Adam.Rule&lt;T&gt;, …), as a generic definition to close over float or double.</summary>
    public static Type[] UpdateRules() => typeof(Scratch.Layers.Adam).Assembly.GetTypes()
        .Where(t => t.IsValueType && t.IsGenericTypeDefinition
            && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IUpdateRule<>))).ToArray();

    /// <summary>Calls a generic primitive (Map, Zip, Reduce, Update) with the functor chosen at run time.</summary>
    static void Call(IBackend b, string primitive, Type functor, params object[] args) =>
        typeof(IBackend).GetMethod(primitive)!.MakeGenericMethod(functor).Invoke(b, args);

    // Scalar parameters (a, b) for Map and Zip: a = 2 is Pow's square path; b > a for Clamp.
    static readonly (double A, double B)[] Params = [(2, 3.25), (1.7, 0.4), (0.2, 1.2), (-0.5, 0.5)];

    // ---- elementwise ----

    [Property]
    public void Fill(ArrayCase c, int value) =>
        Same($"fill {c}", d => { var x = c.Make(d); d.Backend.Fill(x, value / 7.0); return [Whole(x)]; }, Exact);

    [Property]
    public void Random(ArrayCase c, int seed, uint offset)
    {
        foreach (var (kind, p0, p1) in new[] { (RandomKind.Uniform, -1.0, 3.0), (RandomKind.Normal, 0.5, 2.0), (RandomKind.Bernoulli, 0.3, 0.0) })
            Same($"random {kind} {c}", d => { var x = c.Make(d); d.Backend.Random(x, kind, (ulong)seed, offset, p0, p1); return [Whole(x)]; },
                 kind == RandomKind.Normal ? Tol(c.DType, typeof(Op.Log)) : Exact);   // Box–Muller's log and cos
    }

    [Property]
    public void Copy((ArrayCase A, ArrayCase B) p, byte dstLayout)
    {
        var shape = Shape.Broadcast("copy", p.A.Shape, p.B.Shape);
        Same($"copy {p.A} → {Shape.Str(shape)}", d =>
        {
            var dst = Dst(shape, p.A.DType, dstLayout, d);
            d.Backend.Copy(p.A.Make(d).Expand(shape), dst);
            return [Whole(dst)];
        }, Exact);
    }

    [Property]
    public void Map(ArrayCase c, byte dstLayout, byte param, bool broadcast)
    {
        var (a, b) = Params[param % Params.Length];
        int[] shape = broadcast ? [2, .. c.Shape] : c.Shape;   // broadcast: the source is read twice through a stride-0 dim
        foreach (var op in OpsOf<IUnaryOp>())
            Same($"map {op.Name}({c}; {a}, {b})", d =>
            {
                var dst = Dst(shape, c.DType, dstLayout, d);
                Call(d.Backend, "Map", op, c.Make(d).Expand(shape), dst, a, b);
                return [Whole(dst)];
            }, Tol(c.DType, op));
    }

    [Property]
    public void Zip((ArrayCase A, ArrayCase B) p, byte dstLayout, byte param, bool sameInputs)
    {
        var (a, b) = Params[param % Params.Length];
        var shape = Shape.Broadcast("zip", p.A.Shape, p.B.Shape);
        foreach (var op in OpsOf<IBinaryOp>())
            Same($"zip {op.Name}({p.A}, {(sameInputs ? "itself" : p.B)}; {a}, {b})", d =>
            {
                var x = p.A.Make(d).Expand(shape);
                var y = sameInputs ? x : p.B.Make(d).Expand(shape);   // x with itself: ties for max, min and comparisons
                var dst = Dst(shape, p.A.DType, dstLayout, d);
                Call(d.Backend, "Zip", op, x, y, dst, a, b);
                return [Whole(dst)];
            }, Tol(p.A.DType, op));
    }

    [Property]
    public void Where((ArrayCase A, ArrayCase B) p, byte dstLayout)
    {
        var shape = Shape.Broadcast("where", p.A.Shape, p.B.Shape);
        Same($"where({p.A} > 0, {p.B}, {p.A})", d =>
        {
            var a = p.A.Make(d);
            var dst = Dst(shape, p.A.DType, dstLayout, d);
            d.Backend.Where(a.Above(0).Expand(shape), p.B.Make(d).Expand(shape), a.Neg().Expand(shape), dst);
            return [Whole(dst)];
        }, Exact);
    }

    // ---- reductions ----

    [Property]
    public void Reduce(ArrayCase c, byte axisMask, byte dstLayout)
    {
        var dstShape = c.Shape.Select((s, i) => (axisMask >> i & 1) == 1 ? 1 : s).ToArray();   // any set of axes, even none
        int n = c.Shape.Select((s, i) => (axisMask >> i & 1) == 1 ? s : 1).Aggregate(1, (x, y) => x * y);
        foreach (var op in OpsOf<IReduceOp>())
            Same($"reduce {op.Name} {c} → {Shape.Str(dstShape)}", d =>
            {
                var dst = Dst(dstShape, c.DType, dstLayout, d);
                Call(d.Backend, "Reduce", op, c.Make(d), dst);
                return [Whole(dst)];
            }, SumTol(c.DType, n), zeroSign: op != typeof(Op.Sum));   // a zero sum's sign is not specified (Op.Sum)
    }

    [Property]
    public void ArgMax(ArrayCase c, byte axisSeed, bool ties)
    {
        int axis = axisSeed % c.Shape.Length;
        var dstShape = c.Shape.Select((s, i) => i == axis ? 1 : s).ToArray();
        Same($"argmax axis {axis} {c}{(ties ? " (0/1 values: ties)" : "")}", d =>
        {
            var x = c.Make(d);
            if (ties) x = x.Above(0);   // 0/1 values: many equal maxima, the first must win
            var dst = NDArray.Empty(dstShape, c.DType, d);
            d.Backend.ArgMax(x, dst, axis);
            return [dst];
        }, Exact);
    }

    // ---- matrix product ----

    public sealed record MatMulCase(DType DType, int B, int M, int K, int N, bool TransA, bool TransB, bool BroadcastA, bool BroadcastB,
        bool SumBatch, int Seed, bool Specials = false)
    {
        /// <summary>a [B,M,K] and b [B,K,N] as the primitive receives them: transposed views, stride-0 batches.</summary>
        public (NDArray A, NDArray Bm) Make(Device d)
        {
            NDArray Operand(int rows, int cols, bool trans, bool bcast, int seed)
            {
                int batch = bcast ? 1 : B;
                var x = new ArrayCase(trans ? [batch, cols, rows] : [batch, rows, cols], DType, 0, seed, Specials).Make(d);
                if (trans) x = x.Transpose();
                return x.Expand(B, rows, cols);
            }
            return (Operand(M, K, TransA, BroadcastA, Seed), Operand(K, N, TransB, BroadcastB, Seed + 1));
        }
        public override string ToString() =>
            $"{DType.Name()} B={B} M={M} K={K} N={N}{(TransA ? " aᵀ" : "")}{(TransB ? " bᵀ" : "")}{(BroadcastA ? " a broadcast" : "")}{(BroadcastB
                ? " b broadcast" : "")}{(SumBatch ? " → [1,M,N]" : "")}" +
            (Specials ? " with specials" : "");
    }

    [Property]
    public void MatMul(MatMulCase m) =>
        Same($"matmul {m}", d =>
        {
            var (a, b) = m.Make(d);
            var c = NDArray.Empty([m.SumBatch ? 1 : m.B, m.M, m.N], m.DType, d);
            d.Backend.MatMul(a, b, c);
            return [c];
        }, SumTol(m.DType, m.K * (m.SumBatch ? m.B : 1)), zeroSign: false);

    // ---- images ----

    public sealed record ConvCase(DType DType, int N, ConvGeometry G, bool Ties, int Seed, bool Specials = false)
    {
        public NDArray Image(Device d)
        {
            var x = new ArrayCase([N, G.C, G.H, G.W], DType, 0, Seed, Specials).Make(d);
            return Ties ? x.Above(0) : x;   // 0/1 values: windows with several maxima
        }
        public NDArray Columns(Device d) => new ArrayCase([N, G.Rows, G.Cols], DType, 0, Seed + 1, Specials).Make(d);
        public int[] PooledShape => [N, G.C, G.OH, G.OW];
        /// <summary>Window-local indices 0..KH·KW−1, stored as numbers like MaxPool writes them.</summary>
        public NDArray Indices(Device d)
        {
            var rng = new System.Random(Seed + 2);
            var v = new double[Shape.Numel(PooledShape)];
            for (int i = 0; i < v.Length; i++) v[i] = rng.Next(G.KH * G.KW);
            return NDArray.From(v, PooledShape, DType, d);
        }
        public override string ToString() => $"{DType.Name()} N={N} {G}{(Ties ? " ties" : "")}{(Specials ? " with specials" : "")}";
    }

    [Property]
    public void Im2Col(ConvCase c) =>
        Same($"im2col {c}", d =>
        {
            var cols = NDArray.Empty([c.N, c.G.Rows, c.G.Cols], c.DType, d);
            d.Backend.Im2Col(c.Image(d), cols, c.G);
            return [cols];
        }, Exact);

    [Property]
    public void Col2Im(ConvCase c) =>
        Same($"col2im {c}", d =>
        {
            var x = NDArray.Empty([c.N, c.G.C, c.G.H, c.G.W], c.DType, d);
            d.Backend.Col2Im(c.Columns(d), x, c.G);
            return [x];
        }, SumTol(c.DType, c.G.KH * c.G.KW), zeroSign: false);

    // Pools have no padding. A new geometry, not `g with { PH = 0 }`: OH and OW are computed once,
    // when a ConvGeometry is constructed, and `with` would copy the padded ones.
    static ConvGeometry NoPadding(ConvGeometry g) => new(g.C, g.H, g.W, g.KH, g.KW, g.SH, g.SW, 0, 0);

    [Property]
    public void MaxPool(ConvCase c)
    {
        var g = NoPadding(c.G);
        Same($"maxpool {c with { G = g }}", d =>
        {
            var v = NDArray.Empty([c.N, g.C, g.OH, g.OW], c.DType, d);
            var i = NDArray.Empty([c.N, g.C, g.OH, g.OW], c.DType, d);
            d.Backend.MaxPool(c.Image(d), v, i, g);
            return [v, i];
        }, Exact);
    }

    [Property]
    public void PoolGather(ConvCase c)
    {
        var p = c with { G = NoPadding(c.G) };
        Same($"pool gather {p}", d =>
        {
            var dst = NDArray.Empty(p.PooledShape, c.DType, d);
            d.Backend.PoolGather(p.Image(d), p.Indices(d), dst, p.G);
            return [dst];
        }, Exact);
    }

    [Property]
    public void PoolScatter(ConvCase c)
    {
        var p = c with { G = NoPadding(c.G) };
        Same($"pool scatter {p}", d =>
        {
            var dx = NDArray.Empty([p.N, p.G.C, p.G.H, p.G.W], c.DType, d);
            var src = new ArrayCase(p.PooledShape, c.DType, 0, c.Seed + 3, c.Specials).Make(d);
            d.Backend.PoolScatter(src, p.Indices(d), dx, p.G);
            return [dx];
        }, SumTol(c.DType, p.G.KH * p.G.KW), zeroSign: false);
    }

    // ---- optimizer step ----

    [Property]
    public void Update(ArrayCase c, bool oneState, int seed)
    {
        var rng = new System.Random(seed);
        var contiguous = c with { Layout = 0 };
        var t = c.DType == DType.Float32 ? typeof(float) : typeof(double);
        foreach (var def in UpdateRules())
        {
            // Every hyperparameter of the rule random in (0.05, 0.95), negated where its name says so (MinusLr).
            var rule = def.MakeGenericType(t);
            object h = Activator.CreateInstance(rule)!;
            foreach (var f in rule.GetFields().Where(f => f.FieldType == t))
                f.SetValue(h, Convert.ChangeType((f.Name.StartsWith("Minus") ? -1 : 1) * (0.05 + 0.9 * rng.NextDouble()), t));
            Same($"update {def.DeclaringType?.Name} {contiguous}{(oneState ? " s2 = s1" : "")}", d =>
            {
                var p = contiguous.Make(d);
                var g = (contiguous with { Seed = c.Seed + 1 }).Make(d);
                var s1 = (contiguous with { Seed = c.Seed + 2 }).Make(d).Abs();   // second moments are ≥ 0
                var s2 = oneState ? s1 : (contiguous with { Seed = c.Seed + 3 }).Make(d).Abs();
                typeof(IBackend).GetMethod("Update")!.MakeGenericMethod(t, rule).Invoke(d.Backend, [p, g, s1, s2, h]);
                return [p, s1, s2];
            }, Tol(c.DType));
        }
    }
}

/// <summary>FsCheck generators for the matmul and convolution cases above, with finite values.</summary>
public static class ReferenceArbitraries
{
    public static Arbitrary<ReferenceEquality.MatMulCase> MatMul() => Arb.From(MatMulCases(specials: false));
    public static Arbitrary<ReferenceEquality.ConvCase> Conv() => Arb.From(ConvCases(specials: false));

    public static Gen<ReferenceEquality.MatMulCase> MatMulCases(bool specials) =>
        from f64 in Gen.Elements(false, true)
        from b in Gen.Choose(1, 3)
        from m in Gen.Choose(1, 6)
        from k in Gen.Choose(1, 7)
        from n in Gen.Choose(1, 9)
        from flags in Gen.Choose(0, 31)
        from seed in Gen.Choose(0, 1_000_000)
        select new ReferenceEquality.MatMulCase(f64 ? DType.Float64 : DType.Float32, b, m, k, n,
            (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0, seed, specials);

    public static Gen<ReferenceEquality.ConvCase> ConvCases(bool specials) =>
        from f64 in Gen.Elements(false, true)
        from n in Gen.Choose(1, 2)
        from c in Gen.Choose(1, 3)
        from h in Gen.Choose(1, 7)
        from w in Gen.Choose(1, 7)
        from kh in Gen.Choose(1, 3)
        from kw in Gen.Choose(1, 3)
        from sh in Gen.Choose(1, 3)
        from sw in Gen.Choose(1, 3)
        from ph in Gen.Choose(0, 1)
        from pw in Gen.Choose(0, 1)
        from ties in Gen.Elements(false, true)
        from seed in Gen.Choose(0, 1_000_000)
        where kh <= h && kw <= w   // the window fits without padding, so the pool tests can drop it
        select new ReferenceEquality.ConvCase(f64 ? DType.Float64 : DType.Float32, n, new ConvGeometry(c, h, w, kh, kw, sh, sw, ph, pw), ties,
            seed, specials);
}

[Properties(Arbitrary = [typeof(Arbitraries), typeof(ReferenceArbitraries)], MaxTest = 40)]
public class CpuEqualsReference : ReferenceEquality
{
    protected override Device Fast => Devices.Cpu;

    /// <summary>Every primitive of IBackend (memory calls aside) has a property above, named after it.</summary>
    [Fact]
    public void Every_primitive_has_a_property_test()
    {
        string[] memory = ["Allocate", "Upload", "Download", "Synchronize", "Dispose"];
        var primitives = typeof(IBackend).GetMethods().Where(m => !m.IsSpecialName).Select(m => m.Name).Except(memory);
        var tested = typeof(ReferenceEquality).GetMethods().Where(m => m.GetCustomAttribute<PropertyAttribute>() != null).Select(m => m.Name);
        var missing = primitives.Except(tested).ToArray();
        Assert.True(missing.Length == 0, $"primitives without a reference property test: {string.Join(", ", missing)}");
        Assert.NotEmpty(UpdateRules());
    }

    [Fact]
    public void Cpu_ref_is_a_device_like_the_others()
    {
        Assert.Same(Device.Reference, Device.Get("cpu-ref"));
        Assert.Equal("cpu-ref", Device.Reference.ToString());
        Assert.Contains(Device.Survey(), s => s.Spec == "cpu-ref" && s.Available);
        var x = NDArray.From([1.0, 2.0, 3.0], [3], DType.Float64, Device.Reference);
        Assert.Equal([2.0, 4.0, 6.0], (x + x).ToDoubles());
    }
}

// ILGPU's CPU accelerator costs about a millisecond per launch and compiles each kernel on first
// use: fewer cases, the same properties.
[Trait("Category", "Ilgpu")]
[Properties(Arbitrary = [typeof(Arbitraries), typeof(ReferenceArbitraries)], MaxTest = 15)]
public class IlgpuEqualsReference : ReferenceEquality
{
    protected override Device Fast => Devices.Ilgpu;
}
