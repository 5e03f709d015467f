using System.Diagnostics;
using System.Text;

namespace Scratch.Tensors;

/// <summary>
/// Wraps a backend and times every primitive call, keyed by primitive, op and shape — the quickest
/// way to see where a training step spends its time. Enable with SCRATCH_PROFILE=1; `scratch bench`
/// prints the table at the end.
/// </summary>
public sealed class ProfilingBackend(IBackend inner) : DelegatingBackend(inner)
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("SCRATCH_PROFILE") == "1";
    static readonly Dictionary<string, (long Calls, double Ms)> _stats = new();

    T Time<T>(string key, Func<T> f)
    { var sw = Stopwatch.StartNew(); var r = f(); Inner.Synchronize(); Add(key, sw.Elapsed.TotalMilliseconds); return r; }
    void Time(string key, Action f) { var sw = Stopwatch.StartNew(); f(); Inner.Synchronize(); Add(key, sw.Elapsed.TotalMilliseconds); }
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

    public override Storage Allocate(DType dtype, int length) => Time("allocate", () => Inner.Allocate(dtype, length));
    public override void Fill(NDArray dst, double value) => Time($"fill {S(dst)}", () => Inner.Fill(dst, value));
    public override void Random(NDArray dst, RandomKind kind, ulong seed, ulong offset, double p0, double p1) =>
        Time($"random {S(dst)}", () => Inner.Random(dst, kind, seed, offset, p0, p1));
    public override void Copy(NDArray src, NDArray dst) => Time($"copy {S(src)}", () => Inner.Copy(src, dst));
    public override void Map<TOp>(NDArray src, NDArray dst, double a, double b) =>
        Time($"map {typeof(TOp).Name} {S(src)}", () => Inner.Map<TOp>(src, dst, a, b));
    public override void Zip<TOp>(NDArray x, NDArray y, NDArray dst, double a = 0, double b = 0) =>
        Time($"zip {typeof(TOp).Name} {S(x)} {S(y)}", () => Inner.Zip<TOp>(x, y, dst, a, b));
    public override void Where(NDArray cond, NDArray x, NDArray y, NDArray dst) => Time($"where {S(dst)}", () => Inner.Where(cond, x, y, dst));
    public override void Reduce<TOp>(NDArray src, NDArray dst) =>
        Time($"reduce {typeof(TOp).Name} {S(src)} to {S(dst)}", () => Inner.Reduce<TOp>(src, dst));
    public override void ArgMax(NDArray src, NDArray dst, int axis) => Time($"argmax {S(src)} axis {axis}", () => Inner.ArgMax(src, dst, axis));
    public override void MatMul(NDArray a, NDArray b, NDArray c) => Time($"matmul {S(a)} {S(b)}", () => Inner.MatMul(a, b, c));
    public override void Im2Col(NDArray x, NDArray cols, ConvGeometry g) => Time($"im2col {S(x)} k{g.KH} s{g.SH}", () => Inner.Im2Col(x, cols, g));
    public override void Col2Im(NDArray cols, NDArray x, ConvGeometry g) => Time($"col2im {S(cols)} k{g.KH} s{g.SH}", () => Inner.Col2Im(cols, x, g));
    public override void MaxPool(NDArray x, NDArray values, NDArray indices, ConvGeometry g) =>
        Time($"maxpool {S(x)} k{g.KH}", () => Inner.MaxPool(x, values, indices, g));
    public override void PoolGather(NDArray x, NDArray indices, NDArray dst, ConvGeometry g) =>
        Time($"pool_gather {S(x)} k{g.KH}", () => Inner.PoolGather(x, indices, dst, g));
    public override void PoolScatter(NDArray src, NDArray indices, NDArray dx, ConvGeometry g) =>
        Time($"pool_scatter {S(dx)} k{g.KH}", () => Inner.PoolScatter(src, indices, dx, g));
    public override void Update<T, TRule>(NDArray p, NDArray g, NDArray s1, NDArray s2, TRule rule) =>
        Time($"update {typeof(TRule).DeclaringType?.Name} {S(p)}", () => Inner.Update<T, TRule>(p, g, s1, s2, rule));
}
