using FsCheck.Xunit;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// The GPU-shaped kernels, run on ILGPU's CPU accelerator (which emulates thread groups, shared
/// memory, barriers and warp shuffles): the tiled GEMM on shapes that cut through its 64×64×16 tiles,
/// and the group-parallel reductions on reductions long enough to take that path.
/// </summary>
[Trait("Category", "Ilgpu")]
[Collection("serial")]   // counts launches on the shared ILGPU device
public class IlgpuKernelTests
{
    static IlgpuBackend Ilgpu => (IlgpuBackend)Devices.Ilgpu.Backend.Innermost();

    [Property(MaxTest = 10)]
    public void Tiled_gemm_equals_the_simple_kernel_and_the_cpu_on_odd_shapes(bool f64, byte m, byte k, byte n, bool transA, bool transB,
        bool sumBatch, int seed)
    {
        int M = m % 150 + 1, K = k % 70 + 1, N = n % 150 + 1, B = 2;
        var dt = f64 ? DType.Float64 : DType.Float32;
        NDArray A(Device d) { var a = new ArrayCase(transA ? [B, K, M] : [B, M, K], dt, 0, seed).Make(d); return transA ? a.Transpose() : a; }
        NDArray Bm(Device d) { var b = new ArrayCase(transB ? [B, N, K] : [B, K, N], dt, 0, seed + 1).Make(d); return transB ? b.Transpose() : b; }
        int outBatch = sumBatch ? 1 : B;   // c = Σ_b a[b]·b[b] when the output has one batch item
        NDArray Product(GemmEngine engine)
        {
            var c = NDArray.Empty([outBatch, M, N], dt, Devices.Ilgpu);
            Ilgpu.MatMulWith(engine, A(Devices.Ilgpu), Bm(Devices.Ilgpu), c);
            return c;
        }
        var cpu = NDArray.Empty([outBatch, M, N], dt, Devices.Cpu);
        Devices.Cpu.Backend.MatMul(A(Devices.Cpu), Bm(Devices.Cpu), cpu);
        var what = $"M={M} K={K} N={N} transA={transA} transB={transB} sum={sumBatch} {dt.Name()}";
        Check.Close(cpu, Product(GemmEngine.Tiled), Check.Tol(dt) * 10, 1e-5, "tiled " + what);
        Check.Close(cpu, Product(GemmEngine.Simple), Check.Tol(dt) * 10, 1e-5, "simple " + what);
    }

    [Theory]
    [InlineData(new[] { 0, 2, 3 })]   // a bias gradient / BatchNorm statistic: per channel over N, H, W
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1, 3 })]
    [InlineData(new[] { 0, 1, 2, 3 })]
    public void Long_reductions_over_several_axes_take_one_launch_and_match_the_cpu(int[] axes)
    {
        var c = new ArrayCase([37, 5, 9, 11], DType.Float32, 1, 7);   // a permuted (non-contiguous) view
        var x = c.Make(Devices.Ilgpu);   // an upload and a view: no kernel
        var before = Ilgpu.Launches;
        var gpu = x.Sum(axes, keepDim: true);
        Assert.Equal(1, Ilgpu.Launches - before);
        Check.Close(c.Make(Devices.Cpu).Sum(axes, keepDim: true), gpu, 1e-5, 1e-4, $"sum over {string.Join(",", axes)}");
        Check.Close(c.Make(Devices.Cpu).Max(axes, keepDim: true), c.Make(Devices.Ilgpu).Max(axes, keepDim: true), 0, 0, "max");
    }
}
