using FsCheck;
using FsCheck.Xunit;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// Every primitive, run through ILGPU's kernels (on its CPU accelerator) and through the managed CPU
/// backend on the same random inputs — including broadcast and non-contiguous views — must agree:
/// float32 within 1e-5 relative, float64 within 1e-12.
/// </summary>
[Trait("Category", "Ilgpu")]
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 25)]
public class BackendEqualityTests
{
    static void Same(ArrayCase c, Func<NDArray, NDArray> f, double low = -2, double high = 2, double f32Rel = 1e-5)
    {
        var cpu = f(c.Make(Devices.Cpu, low, high));
        var gpu = f(c.Make(Devices.Ilgpu, low, high));
        double rel = c.DType == DType.Float32 ? f32Rel : Check.Tol(c.DType);
        Check.Close(cpu, gpu, rel, Check.Tol(c.DType) / 10, c.ToString());
    }

    // Tolerances that also hold on CUDA, where ILGPU compiles float32 tanh to tanh.approx.f32
    // (relative error up to 2^-10.99 ≈ 4.9e-4) and exp/log to ex2/lg2.approx.f32 (~2 ulp, within
    // 1e-5 here). ILGPU's CPU accelerator computes them exactly, so only these bounds are portable.
    const double CudaTanhRel = 1e-3;

    [Property] public void Copy(ArrayCase c) => Same(c, x => x.Contiguous());
    [Property] public void Neg_Abs_Sign(ArrayCase c) { Same(c, x => x.Neg()); Same(c, x => x.Abs()); Same(c, x => x.Sign()); }
    [Property] public void Exp_Tanh_Sigmoid(ArrayCase c)
    { Same(c, x => x.Exp()); Same(c, x => x.Tanh(), f32Rel: CudaTanhRel); Same(c, x => x.Sigmoid()); }
    [Property] public void Log_Sqrt_Pow(ArrayCase c)
    { Same(c, x => x.Log(), 0.1, 3); Same(c, x => x.Sqrt(), 0.1, 3); Same(c, x => x.Pow(1.7), 0.1, 3); Same(c, x => x.Pow(2)); }
    [Property] public void Relu_Leaky_Clamp(ArrayCase c) { Same(c, x => x.Relu()); Same(c, x => x.LeakyRelu(0.2)); Same(c, x => x.Clamp(-0.5, 0.7)); }
    [Property] public void Affine_Threshold(ArrayCase c) { Same(c, x => x.ScaleShift(-1.5, 0.25)); Same(c, x => x.Above(0.3)); }

    [Property]
    public void Binary_ops_broadcast((ArrayCase A, ArrayCase B) p)
    {
        foreach (var op in new Func<NDArray, NDArray, NDArray>[] { (x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y,
                     NDArray.Maximum, NDArray.Minimum, (x, y) => x.Lt(y), (x, y) => x.Ge(y), (x, y) => x.Eq(y) })
        {
            var cpu = op(p.A.Make(Devices.Cpu), p.B.Make(Devices.Cpu));
            var gpu = op(p.A.Make(Devices.Ilgpu), p.B.Make(Devices.Ilgpu));
            Check.Close(cpu, gpu, Check.Tol(p.A.DType), 1e-6, $"{p.A} op {p.B}");
        }
        var cpuPow = p.A.Make(Devices.Cpu, 0.1, 2).Pow(p.B.Make(Devices.Cpu));
        var gpuPow = p.A.Make(Devices.Ilgpu, 0.1, 2).Pow(p.B.Make(Devices.Ilgpu));
        Check.Close(cpuPow, gpuPow, Check.Tol(p.A.DType), 1e-6, "pow");
    }

    [Property]
    public void Where_broadcast((ArrayCase A, ArrayCase B) p)
    {
        NDArray W(Device d) { var a = p.A.Make(d); var b = p.B.Make(d); return NDArray.Where(a.Gt(b), a, b * 3); }
        Check.Close(W(Devices.Cpu), W(Devices.Ilgpu), Check.Tol(p.A.DType), 1e-6, $"{p.A} where {p.B}");
    }

    [Property]
    public void Reductions_over_any_axis(ArrayCase c, int axisSeed, bool keep)
    {
        int axis = Math.Abs(axisSeed % c.Shape.Length);
        Same(c, x => x.Sum([axis], keep));
        Same(c, x => x.Max([axis], keep));
        Same(c, x => x.ArgMax(axis, keep));
        Same(c, x => x.Mean());
        Same(c, x => x.Softmax(axis));
        Same(c, x => x.LogSoftmax(axis));
    }

    [Property]
    public void Matmul_batched_and_transposed(bool f64, byte m, byte k, byte n, bool transA, bool batchB, int seed)
    {
        int M = m % 7 + 1, K = k % 7 + 1, N = n % 9 + 1;
        var dt = f64 ? DType.Float64 : DType.Float32;
        NDArray Run(Device d)
        {
            var a = new ArrayCase(transA ? [3, K, M] : [3, M, K], dt, 0, seed).Make(d);
            if (transA) a = a.Transpose();
            var b = new ArrayCase(batchB ? [3, K, N] : [K, N], dt, 2, seed + 1).Make(d);
            return a.MatMul(b);
        }
        Check.Close(Run(Devices.Cpu), Run(Devices.Ilgpu), Check.Tol(dt), 1e-6, "matmul");
    }

    [Property]
    public void Conv_im2col_col2im_and_pools(bool f64, byte cin, byte cout, byte hw, byte kk, byte s, byte p, int seed)
    {
        int C = cin % 3 + 1, O = cout % 3 + 1, H = hw % 5 + 3, K = kk % 3 + 1, S = s % 2 + 1, P = p % 2;
        var dt = f64 ? DType.Float64 : DType.Float32;
        var x = new ArrayCase([2, C, H, H + 1], dt, 0, seed);
        var w = new ArrayCase([O, C, K, K], dt, 0, seed + 1);
        var wt = new ArrayCase([C, O, K, K], dt, 0, seed + 2);
        foreach (var f in new Func<Device, NDArray>[]
                 {
                     d => x.Make(d).Conv2d(w.Make(d), S, P),
                     d => x.Make(d).ConvTranspose2d(wt.Make(d), S, P, S - 1),
                     d => x.Make(d).Im2Col(K, K, S, P).Col2Im(C, H, H + 1, K, K, S, P),
                     d => x.Make(d).MaxPool2d(2, 2).Values,
                     d => x.Make(d).MaxPool2d(2, 2).Indices,
                     d => x.Make(d).MaxPool2d(3, 2).Values,
                     d => x.Make(d).MaxPool2d(3, 2).Indices,
                     d =>
                     {
                         var (_, i) = x.Make(d).MaxPool2d(3, 1);
                         return NDArray.MaxPool2dScatter(x.Make(d).MaxPool2d(3, 1).Values, i, [2, C, H, H + 1], 3, 1);
                     },
                     d => x.Make(d).AvgPool2d(2, 1),
                     d => x.Make(d).UpsampleNearest(2),
                 })
            Check.Close(f(Devices.Cpu), f(Devices.Ilgpu), Check.Tol(dt), 1e-6, $"conv family C={C} O={O} H={H} K={K} S={S} P={P}");
    }
}
