using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// The group reduction and the tiled kernels where the shape of a GPU matters: sums of integers that
/// float32 holds exactly (a lost or doubled partial shows as a wrong integer), maxima, the same sum
/// repeated bit for bit, and GEMM and convolution against the reference backend. Run on two devices:
/// <see cref="GpuShapedKernelTests"/> always on ilgpu-cpu-nvidia (8 warps of 32 lanes per group), and
/// <see cref="IlgpuDeviceKernelTests"/> on the device SCRATCH_TEST_ILGPU names.
/// </summary>
public abstract class GroupKernelTests
{
    protected abstract Device Device { get; }
    IlgpuBackend Backend => (IlgpuBackend)Device.Backend.Innermost();

    // Lengths below, at and above one group of 256 threads, none but 256 a multiple of a 32-lane warp;
    // all ≥ GroupReduceMin, so each takes the group path. n(n+1)/2 < 2^24: float32 holds every sum.
    public static TheoryData<int> Lengths() => new() { 128, 200, 256, 257, 1000, 5000 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Group_sums_of_one_to_n_are_exact(int n)
    {
        Assert.True(n >= IlgpuBackend.GroupReduceMin);
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            // Three rows: 1..n, 2·(1..n), and n..1 (the same sum, added in the other order).
            var ones = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
            var rows = ones.Concat(ones.Select(v => 2 * v)).Concat(ones.Reverse()).ToArray();
            var x = NDArray.From(rows, [3, n], dt, Device);
            double total = n * (n + 1.0) / 2;
            Assert.Equal([total, 2 * total, total], x.Sum([1]).ToDoubles());
            foreach (bool shuffle in Combines)
                Assert.Equal([total, 2 * total, total], Reduce<Op.Sum>(x, shuffle));
            Assert.Equal([total], x.Slice(0, 0, 1).Sum([1]).ToDoubles());
            Assert.Equal([total + 2 * total + total], x.Sum([0, 1]).ToDoubles());
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Group_maxima_are_exact(int n)
    {
        var rng = new Random(n);
        var perm = Enumerable.Range(1, n).Select(i => (double)i).OrderBy(_ => rng.Next()).ToArray();
        var negative = perm.Select(v => -v).ToArray();   // the maximum is -1: the identity (-∞) must not win
        var x = NDArray.From(perm.Concat(negative).ToArray(), [2, n], DType.Float32, Device);
        Assert.Equal([(double)n, -1.0], x.Max([1]).ToDoubles());
        foreach (bool shuffle in Combines) Assert.Equal([(double)n, -1.0], Reduce<Op.Max>(x, shuffle));
    }

    // Both group kernels keep a shared array of ReduceGroupMax slots: a bigger group writes past it
    // (on pocl into its heap, which crashed the test host tests later). The pocl device reports warps of 4,096.
    [Fact]
    public void Reduction_groups_never_have_more_threads_than_shared_slots()
    {
        Assert.InRange(Backend.ReduceGroupSize, 1, Kernels.ReduceGroupMax);
        Assert.InRange(Backend.ReduceGroupSize, 1, Backend.Accelerator.MaxNumThreadsPerGroup);
        if (Backend.ReduceByShuffle) Assert.Equal(0, Backend.ReduceGroupSize % Backend.Accelerator.WarpSize);
    }

    // Both group combines where the device compiles warp shuffles, else the shared-memory one alone
    // (ILGPU cannot write shuffles for OpenCL devices other than Intel's: IlgpuBackend.ReduceByShuffle).
    bool[] Combines => Backend.ReduceByShuffle ? [true, false] : [false];

    // Reduces the rows of x with the group combine chosen: through warp shuffles or shared memory alone.
    double[] Reduce<TOp>(NDArray x, bool shuffle) where TOp : struct, IReduceOp
    {
        var d = NDArray.Empty([x.Shape[0], 1], x.DType, Device);
        Backend.ReduceBy<TOp>(shuffle, x, d);
        return d.ToDoubles();
    }

    [Fact]
    public void Fifty_float_sums_of_the_same_data_are_bit_identical()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 2 * 1000).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var x = NDArray.From(values, [2, 1000], DType.Float32, Device);
        var first = x.Sum([1]).ToArray<float>();
        for (int run = 1; run < 50; run++)
        {
            var again = x.Sum([1]).ToArray<float>();
            for (int i = 0; i < first.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(first[i]) == BitConverter.SingleToInt32Bits(again[i]),
                    $"run {run}, row {i}: {again[i]:R} after {first[i]:R}");
        }
        // Deterministic, and right: within float32 rounding of the sum in double.
        for (int i = 0; i < 2; i++)
            Assert.Equal(values.Skip(1000 * i).Take(1000).Sum(), first[i], 1e-3);
    }

    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(70, 33, 65, false, true)]     // cuts through the 64×64 tile and the 16-wide K slice
    [InlineData(129, 17, 3, true, false)]
    public void Tiled_gemm_matches_the_reference(int m, int k, int n, bool transA, bool transB)
    {
        var dt = DType.Float32;
        NDArray A(Device d) { var a = new ArrayCase(transA ? [2, k, m] : [2, m, k], dt, 0, 1).Make(d); return transA ? a.Transpose() : a; }
        NDArray B(Device d) { var b = new ArrayCase(transB ? [2, n, k] : [2, k, n], dt, 0, 2).Make(d); return transB ? b.Transpose() : b; }
        var c = NDArray.Empty([2, m, n], dt, Device);
        Backend.MatMulWith(GemmEngine.Tiled, A(Device), B(Device), c);
        var expected = NDArray.Empty([2, m, n], dt, Devices.Reference);
        Devices.Reference.Backend.MatMul(A(Devices.Reference), B(Devices.Reference), expected);
        // Only the order of the float32 additions differs: a few ulps of a sum of k products of size ≤ 4.
        Check.Close(expected, c, 1e-5, 1e-5 * k, $"tiled gemm M={m} K={k} N={n}");
    }

    [Fact]
    public void Convolutions_and_their_gradients_match_the_reference()
    {
        var x = new ArrayCase([2, 3, 7, 6], DType.Float32, 0, 3);
        var w = new ArrayCase([4, 3, 3, 3], DType.Float32, 0, 4);
        NDArray Conv(Device d) => x.Make(d).Conv2d(w.Make(d), stride: 2, padding: 1);
        NDArray Transposed(Device d) => x.Make(d).ConvTranspose2d(new ArrayCase([3, 2, 4, 4], DType.Float32, 0, 5).Make(d), stride: 2, padding: 1);
        Check.Close(Conv(Devices.Reference), Conv(Device), 1e-5, 1e-5, "conv2d");
        Check.Close(Transposed(Devices.Reference), Transposed(Device), 1e-5, 1e-5, "conv_transpose2d");
    }
}

/// <summary>Always on the GPU-shaped emulator: groups of 256 threads, 8 warps of 32 lanes.</summary>
[Trait("Category", "GpuShaped")]
public class GpuShapedKernelTests : GroupKernelTests
{
    protected override Device Device => Device.Get("ilgpu-cpu-nvidia");

    [Fact]
    public void Reductions_take_256_thread_groups_of_32_lane_warps_and_matmul_the_tiled_kernel()
    {
        var b = (IlgpuBackend)Device.Backend.Innermost();
        Assert.Equal(32, b.Accelerator.WarpSize);
        Assert.Equal(256, b.ReduceGroupSize);
        Assert.Equal(GemmEngine.Tiled, b.Gemm);
    }
}

/// <summary>On the ILGPU device the suite is pointed at (SCRATCH_TEST_ILGPU).</summary>
[Trait("Category", "Ilgpu")]
public class IlgpuDeviceKernelTests : GroupKernelTests
{
    protected override Device Device => Devices.Ilgpu;
}

/// <summary>The reduction's group size for devices this machine may not have (pocl, CUDA, the emulators).</summary>
public class ReduceGroupSizeTests
{
    [Theory]
    [InlineData(4096, 4096, true, 256)]   // pocl 6 on a CPU: the whole work-group is its "warp"
    [InlineData(32, 1024, true, 256)]     // CUDA: 8 warps
    [InlineData(32, 256, true, 256)]      // ilgpu-cpu-nvidia
    [InlineData(4, 256, false, 4)]        // ilgpu-cpu: one warp, it pays per thread
    [InlineData(48, 1024, true, 240)]     // whole warps only: 5 of 48
    [InlineData(32, 100, true, 96)]       // the device's own limit
    [InlineData(512, 64, true, 64)]
    [InlineData(0, 256, true, 256)]       // a device that reports no warp size
    public void Groups_fit_the_slots_and_the_device(int warp, int maxThreads, bool gpuShaped, int expected) =>
        Assert.Equal(expected, IlgpuBackend.ReduceGroupFor(warp, maxThreads, gpuShaped));

    [FsCheck.Xunit.Property]
    public bool Never_more_threads_than_slots_or_the_device_allows(FsCheck.PositiveInt warp, FsCheck.PositiveInt maxThreads, bool gpuShaped)
    {
        int g = IlgpuBackend.ReduceGroupFor(warp.Get, maxThreads.Get, gpuShaped);
        bool wholeWarps = warp.Get > g || g % warp.Get == 0;
        return g >= 1 && g <= Kernels.ReduceGroupMax && g <= maxThreads.Get && wholeWarps;
    }
}
