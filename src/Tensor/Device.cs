using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Scratch.Tensors.Cpu;
using Scratch.Tensors.Ilgpu;

namespace Scratch.Tensors;

public enum DeviceKind { Cpu, Cuda, OpenCL, IlgpuCpu }

/// <summary>
/// Where arrays live and which backend computes on them. <c>cpu</c> is the managed SIMD backend;
/// <c>cuda</c>, <c>opencl</c> and <c>ilgpu-cpu</c> run the same ILGPU kernels on a GPU or on ILGPU's
/// CPU accelerator (a debugging emulator: exact, but slow — the tests use it to check kernels).
/// Choose with <see cref="Get"/> or the SCRATCH_DEVICE variable: auto = CUDA, then OpenCL, then cpu.
/// </summary>
public sealed class Device
{
    public DeviceKind Kind { get; }
    public string Name { get; }
    readonly Lazy<IBackend> _backend;
    public IBackend Backend => _backend.Value;

    Device(DeviceKind kind, string name, Func<Device, IBackend> make)
    {
        Kind = kind; Name = name;
        _backend = new Lazy<IBackend>(() => ProfilingBackend.Enabled ? new ProfilingBackend(make(this)) : make(this));
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu", DeviceKind.Cuda => "cuda", DeviceKind.OpenCL => "opencl", _ => "ilgpu-cpu"
    };

    public static readonly string[] Choices = ["auto", "cpu", "cuda", "opencl", "ilgpu-cpu"];

    public static Device Cpu { get; } = new(DeviceKind.Cpu, $"managed CPU, {Environment.ProcessorCount} threads, {CpuInfo.Simd}", d => new CpuBackend(d));

    // ILGPU's default CPU device allows 16 threads a group; the tiled GEMM needs groups of 256, so the
    // emulator gets a device of 64 warps of 4 threads (one multiprocessor: the tests run on small shapes).
    static readonly Lazy<Context> _context = new(() => Context.Create(b => b.CPU(new CPUDevice(4, 64, 1)).Cuda().OpenCL().EnableAlgorithms()));
    static readonly Dictionary<string, Device> _cache = new();
    static Device? _default;

    /// <summary>The device new arrays go to unless one is named: SCRATCH_DEVICE, else auto.</summary>
    public static Device Default
    {
        get => _default ??= Get(Environment.GetEnvironmentVariable("SCRATCH_DEVICE") is { Length: > 0 } s ? s : "auto");
        set => _default = value;
    }

    /// <summary>Resolves "auto|cpu|cuda|opencl|ilgpu-cpu", throwing a one-line reason when unavailable.</summary>
    public static Device Get(string spec)
    {
        spec = spec.Trim().ToLowerInvariant();
        if (spec == "cpu") return Cpu;
        if (spec == "auto")
        {
            foreach (var k in new[] { "cuda", "opencl" })
                if (TryGet(k, out var d, out _)) return d!;
            return Cpu;
        }
        if (!Choices.Contains(spec))
            throw new ArgumentException($"unknown device '{spec}' (choose one of {string.Join(", ", Choices)})");
        return TryGet(spec, out var dev, out var why) ? dev! : throw new ArgumentException($"device '{spec}' is not available: {why}");
    }

    public static bool TryGet(string spec, out Device? device, out string why)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(spec, out device)) { why = ""; return true; }
            device = null;
            try
            {
                var (kind, type) = spec switch
                {
                    "cuda" => (DeviceKind.Cuda, AcceleratorType.Cuda),
                    "opencl" => (DeviceKind.OpenCL, AcceleratorType.OpenCL),
                    "ilgpu-cpu" => (DeviceKind.IlgpuCpu, AcceleratorType.CPU),
                    _ => throw new ArgumentException($"unknown device '{spec}'")
                };
                var found = _context.Value.Devices.FirstOrDefault(d => d.AcceleratorType == type && Usable(d, out _));
                if (found == null)
                {
                    var reasons = _context.Value.Devices.Where(d => d.AcceleratorType == type)
                        .Select(d => Usable(d, out var r) ? "" : r).Where(r => r != "").ToList();
                    why = reasons.Count > 0 ? string.Join("; ", reasons) : $"no {spec} device found";
                    return false;
                }
                device = new Device(kind, found.Name, d => new IlgpuBackend(d, found.CreateAccelerator(_context.Value)));
                _cache[spec] = device;
                why = "";
                return true;
            }
            catch (Exception e) when (e is not ArgumentException)
            {
                why = e.Message.Split('\n')[0];
                return false;
            }
        }
    }

    // ILGPU's OpenCL backend needs OpenCL 2.0, or 3.0 with the generic address space.
    static bool Usable(ILGPU.Runtime.Device d, out string why)
    {
        why = "";
        if (d is CLDevice cl && !cl.Capabilities.GenericAddressSpace)
        {
            why = $"OpenCL device '{cl.Name}' lacks the generic address space ILGPU needs (OpenCL 2.0, or 3.0 with it)";
            return false;
        }
        return true;
    }

    /// <summary>One line per backend: what was found and, when unavailable, why. For `scratch devices`.</summary>
    public static IEnumerable<(string Spec, bool Available, string Detail)> Survey()
    {
        yield return ("cpu", true, Cpu.Name);
        foreach (var s in new[] { "cuda", "opencl", "ilgpu-cpu" })
            yield return TryGet(s, out var d, out var why) ? (s, true, d!.Name) : (s, false, why);
    }
}
