namespace Scratch.Tensors;

/// <summary>
/// THE primitive list. Every operation in Scratch — softmax, convolution, BatchNorm, Adam — is
/// composed from these few calls, so a new backend implements only this interface.
///
/// Conventions: every NDArray argument lives on this backend's device and all of them share one
/// dtype. Inputs may be arbitrary strided views (broadcast dims have stride 0); unless stated, the
/// destination has the output's shape and may itself be a strided view. Nothing here allocates
/// except <see cref="Allocate"/>.
/// </summary>
public interface IBackend : IDisposable
{
    Device Device { get; }

    // ---- memory ----
    Storage Allocate(DType dtype, int length);
    void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged;
    void Download<T>(NDArray src, Span<T> destination) where T : unmanaged;   // src contiguous
    long BytesAllocated { get; }
    void Synchronize();

    // ---- the primitives ----
    /// <summary>dst[i] = value.</summary>
    void Fill(NDArray dst, double value);
    /// <summary>dst[i] = a distribution sample from Philox(seed, counter = offset + i).</summary>
    void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1);
    /// <summary>dst = src, element by element, any layouts of one shape.</summary>
    void Copy(NDArray src, NDArray dst);
    /// <summary>dst = op(src; a, b).</summary>
    void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp;
    /// <summary>dst = op(x, y; a, b); x and y are already expanded to dst's shape.</summary>
    void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp;
    /// <summary>dst = cond != 0 ? x : y; all expanded to dst's shape.</summary>
    void Where(NDArray cond, NDArray x, NDArray y, NDArray dst);
    /// <summary>
    /// dst = reduction of src over every axis where dst has size 1 and src does not (dst has src's rank).
    /// All those axes at once: a GPU reduces them in one launch.
    /// </summary>
    void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp;
    /// <summary>dst (axis of size 1) = index of the first maximum along axis, as a number.</summary>
    void ArgMax(NDArray src, NDArray dst, int axis);
    /// <summary>
    /// c[b] = a[b] · b[b]; a [B,M,K], b [B,K,N] any strides (a batch stride of 0 broadcasts); c contiguous
    /// [B,M,N] — or [1,M,N], when c = Σ_b a[b]·b[b] (the gradient of a weight shared across a batch).
    /// </summary>
    void MatMul(NDArray a, NDArray b, NDArray c);
    /// <summary>Unfolds image patches: x contiguous [N,C,H,W] → cols contiguous [N, C·KH·KW, OH·OW].</summary>
    void Im2Col(NDArray x, NDArray cols, ConvGeometry g);
    /// <summary>The adjoint of Im2Col: sums patches back into an image. x is overwritten.</summary>
    void Col2Im(NDArray cols, NDArray x, ConvGeometry g);
    /// <summary>
    /// Max pooling per channel: x contiguous [N,C,H,W] → values and window-local argmax indices (0..KH·KW−1), contiguous [N,C,OH,OW].
    /// </summary>
    void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g);
    /// <summary>dst[n,c,oh,ow] = x[n,c, oh·s + idx / KW, ow·s + idx % KW]: picks each window's chosen element.</summary>
    void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g);
    /// <summary>The adjoint of PoolGather: dx (overwritten, [N,C,H,W]) receives each window's value at its chosen element.</summary>
    void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g);
    /// <summary>
    /// One optimizer step in one pass: p ← rule(p, g, s1, s2) with the state s1, s2 updated in place.
    /// All four contiguous, of one shape and of dtype T; s2 may be s1 for a rule with one state (s2 is written first).
    /// </summary>
    void Update<T, TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, TRule rule) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where TRule : struct, IUpdateRule<T>;
}

/// <summary>A backend that wraps another (the profiler, the cost meter) and forwards every call to it.</summary>
public interface IBackendWrapper : IBackend
{
    IBackend Inner { get; }
}

/// <summary>A backend that queues kernels on a device and counts them (the ILGPU backend): what a GPU pays a few microseconds each for.</summary>
public interface ILaunchCounter
{
    /// <summary>Kernel launches (and library calls such as cuBLAS's) issued so far.</summary>
    long Launches { get; }
}

public static class BackendExtensions
{
    /// <summary>The backend that really computes, under any wrappers.</summary>
    public static IBackend Innermost(this IBackend b) => b is IBackendWrapper w ? w.Inner.Innermost() : b;
}

public enum RandomKind { Uniform, Normal, Bernoulli }

/// <summary>Sizes of one 2-D convolution: input C×H×W, kernel KH×KW, stride, padding, output OH×OW.</summary>
public readonly record struct ConvGeometry(int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW)
{
    // Stored, not computed on each access: kernels read these in their inner loops.
    public int OH { get; } = (H + 2 * PH - KH) / SH + 1;
    public int OW { get; } = (W + 2 * PW - KW) / SW + 1;
    public int Rows { get; } = C * KH * KW;
    public int Cols => OH * OW;
}
