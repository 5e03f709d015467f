using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Scratch.Tensors.Cpu;
using Scratch.Tensors.Ilgpu;
using Scratch.Tensors.Reference;

namespace Scratch.Tensors;

public enum DeviceKind { Cpu, Cuda, OpenCL, IlgpuCpu, Reference }

/// <summary>
/// Where arrays live and which backend computes on them. <c>cpu</c> is the managed SIMD backend;
/// <c>cpu-ref</c> the reference backend (plain scalar loops: the definition the others must equal);
/// <c>cuda</c>, <c>opencl</c> and <c>ilgpu-cpu</c> run the same ILGPU kernels on a GPU or on ILGPU's
/// CPU accelerator (a debugging emulator: exact, but slow — the tests use it to check kernels);
/// <c>ilgpu-cpu-nvidia</c> is that emulator shaped like an NVIDIA GPU (32-lane warps, 256-thread
/// groups for reductions and the tiled GEMM), so the multi-warp code paths run without a GPU.
/// Choose with <see cref="Get"/> or the SCRATCH_DEVICE variable: auto = CUDA, then OpenCL, then cpu.
/// </summary>
public sealed class Device
{
    public DeviceKind Kind { get; }
    /// <summary>What <see cref="Get"/> takes for this device ("cpu", "ilgpu-cpu-nvidia", …).</summary>
    public string Spec { get; }
    public string Name { get; }
    /// <summary>True for a CUDA device or an OpenCL device of GPU type.</summary>
    public bool IsGpu { get; private init; }
    readonly Lazy<IBackend> _backend;
    IBackend? _instrumented;
    public IBackend Backend => _instrumented ?? _backend.Value;

    /// <summary>Puts a wrapper (a cost meter, a profiler) around this device's backend until <see cref="RemoveInstrument"/>.</summary>
    public TWrapper Instrument<TWrapper>(Func<IBackend, TWrapper> wrap) where TWrapper : IBackend
    {
        var w = wrap(Backend);
        _instrumented = w;
        return w;
    }

    /// <summary>Back to the plain backend (devices are shared by the whole process).</summary>
    public void RemoveInstrument() => _instrumented = null;

    Device(DeviceKind kind, string spec, string name, Func<Device, IBackend> make)
    {
        Kind = kind; Spec = spec; Name = name;
        _backend = new Lazy<IBackend>(() => ProfilingBackend.Enabled ? new ProfilingBackend(make(this)) : make(this));
    }

    public override string ToString() => Spec;

    public static readonly string[] Choices = ["auto", "cpu", "cpu-ref", "cuda", "opencl", "ilgpu-cpu", "ilgpu-cpu-nvidia"];

    public static Device Cpu { get; } = new(DeviceKind.Cpu, "cpu", $"managed CPU, {Environment.ProcessorCount} threads, {CpuInfo.Simd}", d => new CpuBackend(d));

    /// <summary>The reference backend: every primitive as the plainest scalar loop (never chosen by auto).</summary>
    public static Device Reference { get; } = new(DeviceKind.Reference, "cpu-ref", "reference CPU: scalar loops, one thread", d => new ReferenceBackend(d));

    // ILGPU's default CPU device allows 16 threads a group; the tiled GEMM needs groups of 256, so the
    // emulator gets a device of 64 warps of 4 threads (one multiprocessor: the tests run on small shapes).
    // The GPU-shaped one has NVIDIA's 32-lane warps, 8 of them: one 256-thread group. (ILGPU's own
    // CPUDevice.Nvidia has 32 warps, and its accelerator starts a thread for each of the 1,024 lanes.)
    // Every OpenCL device is listed (ILGPU's default hides the ones it cannot use), so that the probe
    // can say why one is unusable instead of "none found". Profiling is on for its stream markers, which
    // tell the ILGPU backend when a staged upload has been copied (IlgpuBackend.Upload.cs).
    static readonly CPUDevice EmulatorShape = new(4, 64, 1), GpuShape = new(32, 8, 1);
    static readonly Lazy<Context> _context = new(() => Context.Create(b => b.CPU(EmulatorShape).CPU(GpuShape).Cuda().OpenCL(_ => true).EnableAlgorithms().Profiling()));
    static readonly Dictionary<string, Device> _cache = new();
    static readonly Dictionary<string, string> _failed = new();   // probed once per process: a failed probe costs seconds
    static Device? _default;

    /// <summary>The device new arrays go to unless one is named: SCRATCH_DEVICE, else auto.</summary>
    public static Device Default
    {
        get => _default ??= Get(Environment.GetEnvironmentVariable("SCRATCH_DEVICE") is { Length: > 0 } s ? s : "auto");
        set => _default = value;
    }

    /// <summary>Resolves "auto|cpu|cpu-ref|cuda|opencl|ilgpu-cpu|ilgpu-cpu-nvidia", throwing a one-line reason when unavailable.</summary>
    public static Device Get(string spec)
    {
        spec = spec.Trim().ToLowerInvariant();
        if (spec == "cpu") return Cpu;
        if (spec == "cpu-ref") return Reference;
        if (spec == "auto")
        {
            // An OpenCL device counts only if it is a GPU: OpenCL on the CPU is slower than the managed backend.
            foreach (var k in new[] { "cuda", "opencl" })
                if (TryGet(k, out var d, out _) && d!.IsGpu) return d;
            return Cpu;
        }
        if (!Choices.Contains(spec))
            throw new ArgumentException($"unknown device '{spec}' (choose one of {string.Join(", ", Choices)})");
        return TryGet(spec, out var dev, out var why) ? dev! : throw new ArgumentException($"device '{spec}' is not available: {why}");
    }

    public static bool TryGet(string spec, out Device? device, out string why)
    {
        if (spec == "cpu" || spec == "cpu-ref") { device = spec == "cpu" ? Cpu : Reference; why = ""; return true; }   // always there
        lock (_cache)
        {
            if (_cache.TryGetValue(spec, out device)) { why = ""; return true; }
            if (_failed.TryGetValue(spec, out why!)) return false;
            var (kind, type, shape) = spec switch
            {
                "cuda" => (DeviceKind.Cuda, AcceleratorType.Cuda, null),
                "opencl" => (DeviceKind.OpenCL, AcceleratorType.OpenCL, null),
                "ilgpu-cpu" => (DeviceKind.IlgpuCpu, AcceleratorType.CPU, EmulatorShape),
                "ilgpu-cpu-nvidia" => (DeviceKind.IlgpuCpu, AcceleratorType.CPU, (CPUDevice?)GpuShape),
                _ => throw new ArgumentException($"unknown device '{spec}' (choose one of {string.Join(", ", Choices)})")
            };
            device = Probe(kind, type, out why, spec: spec, only: shape);
            if (device != null) _cache[spec] = device; else _failed[spec] = why;
            return device != null;
        }
    }

    /// <summary>
    /// The first device of this type that passes <see cref="DeviceProbe"/>: accelerator created and
    /// a test kernel run, all inside this try. Every failure becomes part of the one-line reason.
    /// </summary>
    internal static Device? Probe(DeviceKind kind, AcceleratorType type, out string why, Func<ILGPU.Runtime.Device, Context, Accelerator>? create = null,
        string? spec = null, CPUDevice? only = null)
    {
        spec ??= kind switch { DeviceKind.Cuda => "cuda", DeviceKind.OpenCL => "opencl", _ => "ilgpu-cpu" };
        only ??= type == AcceleratorType.CPU ? EmulatorShape : null;
        create ??= (d, ctx) => d.CreateAccelerator(ctx);   // tests pass a failing one
        var reasons = new List<string>();
        List<ILGPU.Runtime.Device> candidates;
        try { candidates = _context.Value.Devices.Where(d => d.AcceleratorType == type && (only == null || d == only)).ToList(); }
        catch (Exception e) { why = "ILGPU could not start: " + DeviceProbe.Reason(e); return null; }
        foreach (var found in candidates)
        {
            if (DeviceProbe.Unsupported(found) is { } no) { reasons.Add(no); continue; }
            Accelerator? acc = null;
            try
            {
                acc = create(found, _context.Value);
                var made = acc;
                var name = found is CPUDevice ? $"ILGPU's CPU accelerator, warps of {found.WarpSize}, up to {found.MaxNumThreadsPerGroup} threads a group" : found.Name;
                // Only the GPU-shaped emulator is told to launch like a GPU; a real GPU always does.
                var device = new Device(kind, spec, name, d => new IlgpuBackend(d, made, gpuShaped: type != AcceleratorType.CPU || only == GpuShape))
                {
                    IsGpu = found is ILGPU.Runtime.Cuda.CudaDevice || found is CLDevice { DeviceType: CLDeviceType.CL_DEVICE_TYPE_GPU },
                };
                DeviceProbe.Smoke(device);
                why = "";
                return device;
            }
            catch (Exception e)
            {
                try { acc?.Dispose(); } catch { /* a half-made accelerator may fail to dispose too */ }
                reasons.Add($"'{found.Name}' failed its test kernel: {DeviceProbe.Reason(e)}");
            }
        }
        why = reasons.Count > 0 ? string.Join("; ", reasons) : DeviceProbe.WhyNone(type);
        return null;
    }

    /// <summary>One line per backend: what was found and, when unavailable, why. For `scratch devices`.</summary>
    public static IEnumerable<(string Spec, bool Available, string Detail)> Survey()
    {
        yield return ("cpu", true, Cpu.Name);
        yield return ("cpu-ref", true, Reference.Name);
        foreach (var s in new[] { "cuda", "opencl", "ilgpu-cpu", "ilgpu-cpu-nvidia" })
            yield return TryGet(s, out var d, out var why) ? (s, true, d!.Name) : (s, false, why);
    }
}
