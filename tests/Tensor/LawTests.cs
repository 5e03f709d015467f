using FsCheck;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>Algebraic laws every correct implementation obeys, and agreement with independent references.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 30)]
public class LawTests
{
    [Property]
    public void Broadcasting_add_commutes((ArrayCase A, ArrayCase B) p)
    {
        var a = p.A.Make(Devices.Cpu); var b = p.B.Make(Devices.Cpu);
        Check.Close(a + b, b + a, 0, 0, "a+b vs b+a");
    }

    [Property]
    public void Reshape_and_permute_round_trip(ArrayCase c, int seed)
    {
        var x = c.Make(Devices.Cpu);
        var perm = Enumerable.Range(0, x.Rank).OrderBy(i => new Random(seed + i).Next()).ToArray();
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        Check.Close(x, x.Permute(perm).Permute(inverse), 0, 0, "permute∘inverse");
        Check.Close(x, x.Reshape(-1).Reshape(x.Shape), 0, 0, "reshape round trip");
        Check.Close(x, x.Permute(perm).Contiguous().Permute(inverse), 0, 0, "permute, copy, permute back");
    }

    [Property]
    public void Sum_over_all_dims_equals_sum_of_partial_sums(ArrayCase c, int axisSeed)
    {
        var x = c.Make(Devices.Cpu);
        int axis = Math.Abs(axisSeed % x.Rank);
        double whole = x.Sum().Item(), partial = x.Sum([axis]).Sum().Item();
        Assert.True(Math.Abs(whole - partial) <= 1e-4 * (1 + Math.Abs(whole)), $"{c}: {whole} vs {partial}");
        double host = x.ToDoubles().Sum();
        Assert.True(Math.Abs(whole - host) <= 1e-4 * (1 + Math.Abs(host)), $"{c}: {whole} vs host {host}");
    }

    [Property]
    public void Matmul_agrees_with_MathNet(byte m, byte k, byte n, int seed, bool transB)
    {
        int M = m % 40 + 1, K = k % 70 + 1, N = n % 50 + 1;   // odd sizes exercise the GEMM's edge tiles
        var rng = new Random(seed);
        var av = Enumerable.Range(0, M * K).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var bv = Enumerable.Range(0, K * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var A = Matrix<double>.Build.Dense(M, K, (i, j) => av[i * K + j]);
        var B = Matrix<double>.Build.Dense(K, N, (i, j) => bv[i * N + j]);
        var expect = (A * B).ToRowMajorArray();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            var a = NDArray.From(av, [M, K], dt);
            var b = transB ? NDArray.From((B.Transpose()).ToRowMajorArray(), [N, K], dt).Transpose() : NDArray.From(bv, [K, N], dt);
            Check.Close(expect, a.MatMul(b).ToDoubles(), dt == DType.Float32 ? 1e-4 : 1e-12, 1e-5, $"matmul {M}x{K}x{N} {dt}");
        }
    }

    [Fact]
    public void Large_gemm_uses_every_thread_band_and_agrees_with_MathNet()
    {
        const int M = 130, K = 300, N = 257;
        var rng = new Random(5);
        var av = Enumerable.Range(0, M * K).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var bv = Enumerable.Range(0, K * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var expect = (Matrix<double>.Build.Dense(M, K, (i, j) => av[i * K + j]) * Matrix<double>.Build.Dense(K, N, (i, j) => bv[i * N + j]))
            .ToRowMajorArray();
        var c = NDArray.From(av, [M, K], DType.Float32).MatMul(NDArray.From(bv, [K, N], DType.Float32));
        Check.Close(expect, c.ToDoubles(), 1e-4, 1e-4, "gemm 130x300x257");
    }

    /// <summary>
    /// The float32 GEMM's batch strategies (shared A packed once, shared B, independent products,
    /// batch sums as one deep product or as dot products), with transposed operands, against the
    /// float64 path — itself checked against MathNet above.
    /// </summary>
    [Property(MaxTest = 20)]
    public void Batched_float32_gemm_strategies_agree_with_float64(byte bb, byte mm, byte kk, byte nn, byte mode, int seed)
    {
        int B = bb % 5 + 2, M = mm % 70 + 1, K = kk % 40 + 1, N = nn % 90 + 1;
        NDArray Make(int[] shape, DType dt, int s, bool transpose)
        {
            var c = new ArrayCase(transpose ? [.. shape[..^2], shape[^1], shape[^2]] : shape, dt, 0, s);
            var x = c.Make(Devices.Cpu);
            return transpose ? x.Transpose() : x;
        }
        bool ta = (mode & 1) != 0, tb = (mode & 2) != 0;
        int kind = mode / 4 % 4;   // 0: shared A, 1: shared B, 2: both batched, 3: summed over the batch
        NDArray Run(DType dt)
        {
            var a = Make(kind == 0 ? [M, K] : [B, M, K], dt, seed, ta);
            var b = Make(kind == 1 ? [K, N] : [B, K, N], dt, seed + 1, tb);
            return kind == 3 ? a.MatMulSumBatch(b) : a.MatMul(b);
        }
        Check.Close(Run(DType.Float64), Run(DType.Float32), 1e-4, 1e-4, $"kind {kind} B={B} M={M} K={K} N={N} ta={ta} tb={tb}");
    }

    // Direct definition: y[n,o,i,j] = Σ_c,a,b x[n,c,i·s−p+a, j·s−p+b]·w[o,c,a,b].
    static double[] DirectConv(double[] x, int N, int C, int H, int W, double[] w, int O, int K, int s, int p, out int OH, out int OW)
    {
        int oh = (H + 2 * p - K) / s + 1, ow = (W + 2 * p - K) / s + 1;
        var y = new double[N * O * oh * ow];
        for (int n = 0; n < N; n++) for (int o = 0; o < O; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
        {
            double acc = 0;
            for (int c = 0; c < C; c++) for (int a = 0; a < K; a++) for (int b = 0; b < K; b++)
            {
                int ii = i * s - p + a, jj = j * s - p + b;
                if (ii >= 0 && ii < H && jj >= 0 && jj < W) acc += x[((n * C + c) * H + ii) * W + jj] * w[((o * C + c) * K + a) * K + b];
            }
            y[((n * O + o) * oh + i) * ow + j] = acc;
        }
        OH = oh; OW = ow;
        return y;
    }

    [Property]
    public void Conv2d_agrees_with_direct_loops(byte cin, byte cout, byte hw, byte kk, byte st, byte pd, int seed)
    {
        int C = cin % 3 + 1, O = cout % 4 + 1, H = hw % 6 + 4, W = H + 2, K = kk % 3 + 1, S = st % 3 + 1, P = pd % 2;
        var x = new ArrayCase([2, C, H, W], DType.Float64, 0, seed).Make(Devices.Cpu);
        var w = new ArrayCase([O, C, K, K], DType.Float64, 0, seed + 1).Make(Devices.Cpu);
        var expect = DirectConv(x.ToDoubles(), 2, C, H, W, w.ToDoubles(), O, K, S, P, out _, out _);
        Check.Close(expect, x.Conv2d(w, S, P).ToDoubles(), 1e-12, 1e-12, "conv2d");
    }

    [Property]
    public void ConvTranspose2d_is_the_adjoint_of_conv2d(byte cin, byte cout, byte hw, byte kk, byte st, byte pd, int seed)
    {
        // <conv(x, w), y> = <x, convT(y, w)> for every x, y: the defining property of the transpose.
        int C = cin % 3 + 1, O = cout % 3 + 1, H = hw % 6 + 4, K = kk % 3 + 1, S = st % 2 + 1, P = pd % 2;
        var x = new ArrayCase([2, C, H, H], DType.Float64, 0, seed).Make(Devices.Cpu);
        var w = new ArrayCase([O, C, K, K], DType.Float64, 0, seed + 1).Make(Devices.Cpu);
        var cx = x.Conv2d(w, S, P);
        var y = new ArrayCase(cx.Shape, DType.Float64, 0, seed + 2).Make(Devices.Cpu);
        int outPad = H - NDArray.ConvTransposeSize(cx.Shape[2], K, S, P, 0);
        if (outPad < 0 || outPad >= S) return;   // sizes where no transposed conv maps back onto x
        var ty = y.ConvTranspose2d(w, S, P, outPad);
        double lhs = (cx * y).Sum().Item(), rhs = (x * ty).Sum().Item();
        Assert.True(Math.Abs(lhs - rhs) <= 1e-10 * (1 + Math.Abs(lhs)), $"<conv x, y> = {lhs} but <x, convT y> = {rhs}");
    }

    [Fact]
    public void Views_share_storage_and_do_not_copy()
    {
        var x = NDArray.Arange(24).Reshape(2, 3, 4);
        Assert.Same(x.Storage, x.Permute(2, 0, 1).Storage);
        Assert.Same(x.Storage, x.Narrow(1, 1, 2).Storage);
        Assert.Same(x.Storage, x.Unsqueeze(0).Expand(5, 2, 3, 4).Storage);
        Assert.Equal([2, 1, 3, 4], x.Unsqueeze(1).Shape);
        Assert.Equal([2, 3, 4], x.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal(new double[] { 4, 5, 6, 7, 8, 9, 10, 11 }, x.Narrow(1, 1, 2).Narrow(0, 0, 1).ToDoubles());
        Assert.Equal(new double[] { 1, 3 }, NDArray.Arange(4).Slice(0, 1, 4, 2).ToDoubles());
        var cat = NDArray.Cat([NDArray.Ones([2, 2]), NDArray.Zeros([1, 2])]);
        Assert.Equal(new double[] { 1, 1, 1, 1, 0, 0 }, cat.ToDoubles());
        Assert.Equal([2, 2, 2], NDArray.Stack([NDArray.Ones([2, 2]), NDArray.Zeros([2, 2])]).Shape);
    }

    [Fact]
    public void ToString_reads_like_pytorch()
    {
        var s = NDArray.From(new float[] { 1.5f, -2, 3, 4 }, [2, 2]).ToString();
        Assert.Equal("tensor([[1.5000, -2.0000],\n        [3.0000, 4.0000]], shape=[2,2], dtype=float32, device=cpu)", s);
    }

    [Fact, Trait("Category", "Ilgpu")]
    public void Max_pool_picks_the_first_maximum_in_scan_order_on_both_backends()
    {
        // Four 2×2 windows side by side: all equal, a tie on top, a tie on the diagonal, a tie at the bottom.
        var x = new float[] { 0, 0, 5, 5, 1, 7, 2, 2,
                              0, 0, 1, 1, 7, 3, 9, 9 };
        foreach (var d in new[] { Devices.Cpu, Devices.Ilgpu })
        {
            var (v, i) = NDArray.From(x, [1, 1, 2, 8], d).MaxPool2d(2, 2);
            Assert.Equal(new double[] { 0, 5, 7, 9 }, v.ToDoubles());
            Assert.Equal(new double[] { 0, 0, 1, 2 }, i.ToDoubles());
        }
    }

    [Fact]
    public void OneHot_and_gather()
    {
        var labels = NDArray.From(new float[] { 2, 0 }, [2]);
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0 }, labels.OneHot(3).ToDoubles());
        var x = NDArray.From(new float[] { 10, 11, 12, 20, 21, 22 }, [2, 3]);
        Assert.Equal(new double[] { 12, 20 }, x.Gather(labels.Reshape(2, 1)).ToDoubles());
    }
}
