using System.Diagnostics;
using System.Text;

namespace Scratch.Tensors;

/// <summary>
/// Wraps a backend and times every primitive call, keyed by primitive, op and shape — the quickest
/// way to see where a training step spends its time. Enable with SCRATCH_PROFILE=1; `scratch bench`
/// prints the table at the end.
/// </summary>
public sealed class ProfilingBackend(IBackend inner) : IBackendWrapper
{
    /// <summary>The backend being timed.</summary>
    public IBackend Inner => inner;
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("SCRATCH_PROFILE") == "1";
    static readonly Dictionary<string, (long Calls, double Ms)> _stats = new();

    T Time<T>(string key, Func<T> f) { var sw = Stopwatch.StartNew(); var r = f(); inner.Synchronize(); Add(key, sw.Elapsed.TotalMilliseconds); return r; }
    void Time(string key, Action f) { var sw = Stopwatch.StartNew(); f(); inner.Synchronize(); Add(key, sw.Elapsed.TotalMilliseconds); }
    static void Add(string key, double ms) { lock (_stats) { var (c, t) = _stats.GetValueOrDefault(key); _stats[key] = (c + 1, t + ms); } }

    public static void Reset() { lock (_stats) _stats.Clear(); }

    public static string Report(int top = 25)
    {
        lock (_stats)
        {
            double total = _stats.Values.Sum(v => v.Ms);
            var sb = new StringBuilder($"{"primitive",-70}{"calls",8}{"ms",10}{"%",7}\n");
            foreach (var (k, (c, ms)) in _stats.OrderByDescending(kv => kv.Value.Ms).Take(top))
                sb.AppendLine($"{k,-70}{c,8}{ms,10:F1}{100 * ms / total,7:F1}");
            sb.AppendLine($"{"total",-70}{_stats.Values.Sum(v => v.Calls),8}{total,10:F1}");
            return sb.ToString();
        }
    }

    static string S(NDArray a) => a.ShapeStr + (a.IsContiguous ? "" : "*");

    public Device Device => inner.Device;
    public long BytesAllocated => inner.BytesAllocated;
    public void Synchronize() => inner.Synchronize();
    public void Dispose() => inner.Dispose();
    public Storage Allocate(DType dtype, int length) => Time("allocate", () => inner.Allocate(dtype, length));
    public void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged => inner.Upload(source, dst);
    public void Download<T>(NDArray src, Span<T> destination) where T : unmanaged => inner.Download(src, destination);
    public void Fill(NDArray dst, double value) => Time($"fill {S(dst)}", () => inner.Fill(dst, value));
    public void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1) => Time($"random {S(dst)}", () => inner.Random(dst, kind, seed, offset, p0, p1));
    public void Copy(NDArray src, NDArray dst) => Time($"copy {S(src)}", () => inner.Copy(src, dst));
    public void Map<TOp>(NDArray src, NDArray dst, double a, double b) where TOp : struct, IUnaryOp => Time($"map {typeof(TOp).Name} {S(src)}", () => inner.Map<TOp>(src, dst, a, b));
    public void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) where TOp : struct, IBinaryOp => Time($"zip {typeof(TOp).Name} {S(x)} {S(y)}", () => inner.Zip<TOp>(x, y, dst, a, b));
    public void Where(NDArray cond, NDArray x, NDArray y, NDArray dst) => Time($"where {S(dst)}", () => inner.Where(cond, x, y, dst));
    public void Reduce<TOp>(NDArray src, NDArray dst) where TOp : struct, IReduceOp => Time($"reduce {typeof(TOp).Name} {S(src)} to {S(dst)}", () => inner.Reduce<TOp>(src, dst));
    public void ArgMax(NDArray src, NDArray dst, int axis) => Time($"argmax {S(src)} axis {axis}", () => inner.ArgMax(src, dst, axis));
    public void MatMul(NDArray a, NDArray b, NDArray c) => Time($"matmul {S(a)} {S(b)}", () => inner.MatMul(a, b, c));
    public void Im2Col(NDArray x, NDArray cols, ConvGeometry g) => Time($"im2col {S(x)} k{g.KH} s{g.SH}", () => inner.Im2Col(x, cols, g));
    public void Col2Im(NDArray cols, NDArray x, ConvGeometry g) => Time($"col2im {S(cols)} k{g.KH} s{g.SH}", () => inner.Col2Im(cols, x, g));
    public void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) => Time($"maxpool {S(x)} k{g.KH}", () => inner.MaxPool(x, values, indices, g));
    public void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) => Time($"pool_gather {S(x)} k{g.KH}", () => inner.PoolGather(x, indices, dst, g));
    public void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) => Time($"pool_scatter {S(dx)} k{g.KH}", () => inner.PoolScatter(src, indices, dx, g));
    public void Update<TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, UpdateArgs h) where TRule : struct, IUpdateRule => Time($"update {typeof(TRule).Name} {S(p)}", () => inner.Update<TRule>(p, g, s1, s2, h));
}
