#:project ../src/Tensor/Scratch.Tensor.csproj
#:property PublishAot=false
// Lesson 8 — the same ops on cpu, cpu-ref and every ILGPU device here: what the GPU path changes.
// Run: dotnet run -c Release examples/08-same-ops-every-device.cs
//
// (PublishAot=false: a file-based app defaults to native AOT, which forbids the code generation ILGPU
// compiles its kernels with — "Dynamic code generation is not supported on this platform".)
//
// One program, one set of inputs, every device that `scratch devices` offers. Three things differ
// on the ILGPU path (CUDA, OpenCL, or ILGPU's CPU accelerator, which runs the same kernels):
//   1. Work is kernel launches. Each primitive is one kernel queued on the device's stream; a GPU
//      pays a few microseconds per launch whatever its size, which is why the backend fuses ops.
//   2. Device math. + and × are single IEEE operations, correctly rounded everywhere: the same bits
//      on every device. exp, log and tanh are library functions, and a GPU's (or pocl's) are not
//      .NET's: they agree to within a few ulps (units in the last place), not bit for bit.
//   3. Summation order. A long sum is split over threads and combined in the kernel's fixed order,
//      so it differs from the sequential sum in the last bits — but the same input and launch shape
//      give the same bits on every run, so a training run can be repeated.
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;

// ---------------- the devices ----------------
var devices = new List<Device> { Device.Cpu, Device.Reference };
Console.WriteLine("devices (what `scratch devices` shows):");
foreach (var (spec, available, detail) in Device.Survey())
{
    Console.WriteLine($"  {spec,-17} {(available ? "available  " : "unavailable")}  {detail}");
    if (available && spec is not ("cpu" or "cpu-ref")) devices.Add(Device.Get(spec));
}
var ilgpu = devices.Skip(2).ToList();
Claim(ilgpu.Count >= 1, $"at least one ILGPU device runs here ({string.Join(", ", ilgpu)}): the lesson compares {devices.Count} devices");

const int N = 4096;
// How far a device's exp, log and tanh may be from cpu-ref's. cpu-ref calls .NET's MathF, which calls
// the C library (so even its last bits change with the OS: Debian 13's tanhf is not Debian 12's);
// OpenCL lets a device's exp and log be 3 ulps from the exact value and tanh 5, CUDA 2; the cpu
// backend's SIMD tanh is a rational approximation (measured ≤ 4 ulps). 6 covers them all.
const int MathUlps = 6;
var rng = new Random(8);
double[] Values(double low, double high) => Enumerable.Range(0, N).Select(_ => low + (high - low) * rng.NextDouble()).ToArray();
double[] xs = Values(-4, 4), ys = Values(-4, 4), positives = Values(0.01, 10),
    longSum = Values(0, 1).Concat(Values(0, 1)).Concat(Values(0, 1)).ToArray();
var reference = Device.Reference;

// ---------------- 1. launches ----------------
Console.WriteLine("\n1. kernel launches for x + y, x · y, exp(x) on 4,096 floats:");
foreach (var d in devices)
{
    NDArray x = NDArray.From(xs, [N], DType.Float32, d), y = NDArray.From(ys, [N], DType.Float32, d);
    long before = Launches(d);
    _ = x + y; _ = x * y; _ = x.Exp();
    long launches = Launches(d) - before;
    if (d.Backend.Innermost() is IlgpuBackend)
    {
        Console.WriteLine($"  {d,-17} {launches} launches, queued on the device's stream (reading a result back waits for them)");
        Claim(launches == 3, $"{d}: each elementwise op is exactly one kernel launch");
    }
    else Console.WriteLine($"  {d,-17} no kernels: loops run in this process, on the calling thread{(d == Device.Cpu ? " and its helpers" : "")}");
}

// ---------------- 2. device math ----------------
Console.WriteLine("\n2. the same inputs, compared with cpu-ref element by element (float32):");
Console.WriteLine($"  {"device",-17} {"x + y",-12} {"x · y",-12} {"exp(x)",-22} {"log(p)",-22} {"tanh(x)",-22}");
foreach (var d in devices.Where(d => d != reference))
{
    var rows = Ops().Select(o =>
    {
        var expected = o.Op(o.Input(reference)).ToArray<float>();
        var actual = o.Op(o.Input(d)).ToArray<float>();
        var ulps = expected.Zip(actual, Ulps).ToArray();
        return (o.Name, o.Exact, Differ: ulps.Count(u => u != 0), Worst: ulps.Max());
    }).ToList();
    Console.WriteLine($"  {d,-17} " + string.Join(" ",
        rows.Select(r => (r.Differ == 0 ? "same bits" : $"{r.Differ} differ, ≤ {r.Worst} ulp").PadRight(r.Exact ? 12 : 22))));
    foreach (var r in rows)
        if (r.Exact) Claim(r.Differ == 0, $"{d}: {r.Name} gives cpu-ref's bits: one correctly rounded IEEE operation");
        else Claim(r.Worst <= MathUlps, $"{d}: {r.Name} is within {MathUlps} ulps of cpu-ref " +
            $"({(r.Differ == 0 ? "here bit-equal" : $"{r.Differ} of {N} differ, worst {r.Worst}")})");
}

// ---------------- 3. determinism ----------------
// 12,288 floats in [0, 1): the exact sum (in float64, of the float32 values) against each device's
// float32 sum. Different devices add in different orders; each one twice gives the same bits.
var asFloats = longSum.Select(v => (double)(float)v).ToArray();
double exactSum = asFloats.Sum();
Console.WriteLine($"\n3. sum of {longSum.Length:N0} floats in [0, 1), exact {exactSum:R}:");
foreach (var d in devices)
{
    var a = NDArray.From(longSum, [longSum.Length], DType.Float32, d);
    float first = a.Sum().ToArray<float>()[0], second = a.Sum().ToArray<float>()[0];
    bool sameBits = BitConverter.SingleToInt32Bits(first) == BitConverter.SingleToInt32Bits(second);
    Console.WriteLine($"  {d,-17} {first,-12:R} off by {Math.Abs(first - exactSum) / exactSum:E1} relative; " +
        $"again: {(sameBits ? "the same bits" : $"{second:R}")}");
    Claim(sameBits, $"{d}: the same sum twice gives the same bits");
    Claim(Math.Abs(first - exactSum) <= 1e-5 * exactSum, $"{d}: its sum is within 1e-5 of the exact one, in whatever order it adds");
}
Console.WriteLine("lesson 8: all claims hold");

// The ops of part 2: its name, the op, its input on a device, and whether it is one IEEE operation.
IEnumerable<(string Name, Func<NDArray, NDArray> Op, Func<Device, NDArray> Input, bool Exact)> Ops()
{
    NDArray X(Device d) => NDArray.From(xs, [N], DType.Float32, d);
    yield return ("x + y", x => x + NDArray.From(ys, [N], DType.Float32, x.Device), X, true);
    yield return ("x · y", x => x * NDArray.From(ys, [N], DType.Float32, x.Device), X, true);
    yield return ("exp(x)", x => x.Exp(), X, false);
    yield return ("log(p)", x => x.Log(), d => NDArray.From(positives, [N], DType.Float32, d), false);
    yield return ("tanh(x)", x => x.Tanh(), X, false);
}

static long Launches(Device d) => d.Backend.Innermost() is IlgpuBackend ib ? ib.Launches : 0;

// Distance between two floats in units in the last place: how many representable floats lie between.
static int Ulps(float a, float b)
{
    if (a == b || (float.IsNaN(a) && float.IsNaN(b))) return 0;
    int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
    if (ia < 0) ia = int.MinValue - ia;   // map the sign-magnitude bits to one ordered integer line
    if (ib < 0) ib = int.MinValue - ib;
    return (int)Math.Min(int.MaxValue, Math.Abs((long)ia - ib));
}

// Every lesson asserts what it prints: CI runs them (tests/Examples), so a claim that stops being true fails the build.
static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
