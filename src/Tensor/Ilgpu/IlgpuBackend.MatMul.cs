using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Which code multiplies matrices on an ILGPU device: cuBLAS (CUDA only), the tiled shared-memory
/// kernel (every GPU), or one thread per output — the default on ILGPU's CPU accelerator, which
/// emulates each of the tiled kernel's barriers with real threads and is ~100× slower with it.
/// SCRATCH_GEMM=simple|tiled|cublas overrides the default.
/// </summary>
public enum GemmEngine { Simple, Tiled, CuBlas }

// MatMul: NVIDIA's cuBLAS (through ILGPU.Algorithms) on CUDA where it applies, else the tiled kernel.
public sealed partial class IlgpuBackend
{
    CuBlas? _blas;
    /// <summary>The engine MatMul uses (see <see cref="GemmEngine"/>).</summary>
    public GemmEngine Gemm { get; private set; }
    /// <summary>The engine's name as SCRATCH_GEMM spells it: simple, tiled or cublas.</summary>
    public string GemmName => Gemm.ToString().ToLowerInvariant();
    /// <summary>What multiplies matrices here and why (shown by `scratch devices`).</summary>
    public string GemmNote { get; private set; } = "";

    void InitMatMul()
    {
        var forced = Environment.GetEnvironmentVariable("SCRATCH_GEMM") switch
        {
            "simple" => GemmEngine.Simple, "tiled" => GemmEngine.Tiled, "cublas" => GemmEngine.CuBlas, _ => (GemmEngine?)null,
        };
        Gemm = forced ?? (GpuShaped ? GemmEngine.Tiled : GemmEngine.Simple);
        GemmNote = Gemm == GemmEngine.Simple ? "one thread per output (the CPU emulator's default: it pays for every barrier of the tiled kernel)"
            : "64×64 shared-memory tiles, 256 threads a group";
        if (forced == null && _acc is not CudaAccelerator) return;
        if (forced is not (null or GemmEngine.CuBlas)) { GemmNote += " (SCRATCH_GEMM)"; return; }
        if (_acc is not CudaAccelerator cuda) { Gemm = GemmEngine.Tiled; GemmNote = "64×64 shared-memory tiles (cuBLAS is CUDA-only)"; return; }
        try
        {
            CuBlasLibrary.Install();
            _blas = new CuBlas(cuda);
            // cuBLAS calls must queue behind the kernels that produce their inputs: same stream.
            _blas.Stream = (CudaStream)cuda.DefaultStream;
            Gemm = GemmEngine.CuBlas;
            GemmNote = $"{CuBlasLibrary.Loaded ?? "cuBLAS"} for single and weight-shared products, the tiled kernel for the rest";
        }
        catch (Exception e) when (e is DllNotFoundException or CuBlasException or EntryPointNotFoundException or TypeInitializationException)
        {
            Gemm = GemmEngine.Tiled;
            GemmNote = $"64×64 shared-memory tiles (cuBLAS unavailable: {CuBlasLibrary.WhyNot(e)})";
        }
    }

    void DisposeMatMul() => _blas?.Dispose();

    public void MatMul(NDArray a, NDArray b, NDArray c) => MatMulWith(Gemm, a, b, c);

    /// <summary>MatMul by a chosen engine (tests compare the engines on one accelerator).</summary>
    internal void MatMulWith(GemmEngine engine, NDArray a, NDArray b, NDArray c)
    {
        int batches = c.Shape[0], m = c.Shape[1], n = c.Shape[2], k = a.Shape[2];
        if (c.Numel == 0) return;
        var g = new MatMulArgs
        {
            Ao = a.Offset, As0 = a.Strides[0], As1 = a.Strides[1], As2 = a.Strides[2],
            Bo = b.Offset, Bs0 = b.Strides[0], Bs1 = b.Strides[1], Bs2 = b.Strides[2],
            Co = c.Offset, M = m, N = n, K = k, Inner = a.Shape[0] / batches,
        };
        if (k == 0) { Fill(c, 0); return; }
        if (engine == GemmEngine.CuBlas && _blas != null && F32(c) && TryCuBlas(a, b, c, g)) return;
        if (engine == GemmEngine.Simple)
        {
            int l = Threads(c.Numel);
            if (F32(c))
                Launch(() => Kernel("matmul_simple", typeof(float), null,
                        () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs, int, int>(
                            Kernels.MatMulSimple))
                    (l, V<float>(a), V<float>(b), V<float>(c), g, c.Numel, l));
            else
                Launch(() => Kernel("matmul_simple", typeof(double), null,
                        () => _acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, MatMulArgs, int,
                            int>(Kernels.MatMulSimple))
                    (l, V<double>(a), V<double>(b), V<double>(c), g, c.Numel, l));
            return;
        }
        var cfg = new KernelConfig(new Index3D((n + Kernels.GemmTile - 1) / Kernels.GemmTile, (m + Kernels.GemmTile - 1) / Kernels.GemmTile, batches),
            new Index3D(Kernels.GemmThreads, 1, 1));
        if (F32(c))
            Launch(() => Kernel("matmul_tiled", typeof(float), null,
                    () => _acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>(Kernels.MatMulTiled))
                (cfg, V<float>(a), V<float>(b), V<float>(c), g));
        else
            Launch(() => Kernel("matmul_tiled", typeof(double), null,
                    () => _acc.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, MatMulArgs>(Kernels.MatMulTiled))
                (cfg, V<double>(a), V<double>(b), V<double>(c), g));
    }

    /// <summary>
    /// One cuBLAS call where the product is one matrix product: a single batch, or a batch that shares
    /// b (stride 0) while a's items are stacked rows (then [B·M,K]·[K,N] is the same product). cuBLAS
    /// is column-major, so row-major C = A·B is computed as Cᵀ = Bᵀ·Aᵀ; each operand needs one unit
    /// stride (a transposed view is passed as op T). ILGPU.Algorithms 1.5.3 has no strided-batched GEMM,
    /// so other batches (and c = Σ_b a[b]·b[b]) stay on the tiled kernel, one launch for the whole batch.
    /// </summary>
    bool TryCuBlas(NDArray a, NDArray b, NDArray c, MatMulArgs g)
    {
        int batches = c.Shape[0], m = g.M;
        if (g.Inner != 1) return false;
        if (batches > 1)
        {
            bool stacked = g.Bs0 == 0 && g.As2 == 1 && g.As0 == g.M * g.As1;
            if (!stacked) return false;
            m = batches * g.M;
        }
        if (!Operand(g.As1, g.As2, m, g.K, out var opA, out int lda) || !Operand(g.Bs1, g.Bs2, g.K, g.N, out var opB, out int ldb)) return false;
        var av = V<float>(a).SubView(g.Ao); var bv = V<float>(b).SubView(g.Bo); var cv = V<float>(c).SubView(g.Co);
        Launch(() => _blas!.Gemm(opB, opA, g.N, m, g.K, 1f, bv, ldb, av, lda, 0f, cv, g.N));
        return true;
    }

    // A row-major [R, C] operand with strides (rowStride, colStride): its memory read column-major is
    // the transpose when colStride is 1 (op N, ld = rowStride), the matrix itself when rowStride is 1 (op T).
    static bool Operand(int rowStride, int colStride, int rows, int cols, out CuBlasOperation op, out int ld)
    {
        if (colStride == 1 && rowStride >= Math.Max(1, cols)) { op = CuBlasOperation.NonTranspose; ld = rowStride; return true; }
        if (rowStride == 1 && colStride >= Math.Max(1, rows)) { op = CuBlasOperation.Transpose; ld = colStride; return true; }
        op = default; ld = 0; return false;
    }
}
