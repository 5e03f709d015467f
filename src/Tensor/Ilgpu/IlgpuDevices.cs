using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// The devices ILGPU runs this backend's kernels on: <c>cuda</c>, <c>opencl</c>, and <c>ilgpu-cpu</c>,
/// ILGPU's CPU accelerator (a debugging emulator: exact, but slow — the tests use it to check kernels);
/// <c>ilgpu-cpu-nvidia</c> is that emulator shaped like an NVIDIA GPU (32-lane warps, 256-thread groups
/// for reductions and the tiled GEMM), so the multi-warp code paths run without a GPU. A device is made
/// only once <see cref="DeviceProbe"/> has run a kernel on it.
/// </summary>
public static class IlgpuDevices
{
    /// <summary>The names of ILGPU's devices, as <see cref="Device.Get"/> takes them.</summary>
    public static readonly string[] Specs = ["cuda", "opencl", "ilgpu-cpu", "ilgpu-cpu-nvidia"];

    // ILGPU's default CPU device allows 16 threads a group; the tiled GEMM needs groups of 256, so the
    // emulator gets a device of 64 warps of 4 threads (one multiprocessor: the tests run on small shapes).
    // The GPU-shaped one has NVIDIA's 32-lane warps, 8 of them: one 256-thread group. (ILGPU's own
    // CPUDevice.Nvidia has 32 warps, and its accelerator starts a thread for each of the 1,024 lanes.)
    // Every OpenCL device is listed (ILGPU's default hides the ones it cannot use), so that the probe
    // can say why one is unusable instead of "none found". Profiling is on for its stream markers, which
    // tell the ILGPU backend when a staged upload has been copied (IlgpuBackend.Upload.cs).
    static readonly CPUDevice EmulatorShape = new(4, 64, 1), GpuShape = new(32, 8, 1);
    static readonly Lazy<Context> _context = new(
        () => Context.Create(b => b.CPU(EmulatorShape).CPU(GpuShape).Cuda().OpenCL(_ => true).EnableAlgorithms().Profiling()));

    /// <summary>The device one of <see cref="Specs"/> names, made and tested; or null and the one-line reason.</summary>
    public static Device? Probe(string spec, out string why)
    {
        var (kind, type, shape) = spec switch
        {
            "cuda" => (DeviceKind.Cuda, AcceleratorType.Cuda, null),
            "opencl" => (DeviceKind.OpenCL, AcceleratorType.OpenCL, null),
            "ilgpu-cpu" => (DeviceKind.IlgpuCpu, AcceleratorType.CPU, EmulatorShape),
            "ilgpu-cpu-nvidia" => (DeviceKind.IlgpuCpu, AcceleratorType.CPU, (CPUDevice?)GpuShape),
            _ => throw new ArgumentException($"'{spec}' is not an ILGPU device (choose one of {string.Join(", ", Specs)})")
        };
        return Probe(kind, type, out why, spec: spec, only: shape);
    }

    /// <summary>
    /// The first device of this type that passes <see cref="DeviceProbe"/>: accelerator created and
    /// a test kernel run, all inside this try. Every failure becomes part of the one-line reason.
    /// </summary>
    internal static Device? Probe(DeviceKind kind, AcceleratorType type, out string why,
        Func<ILGPU.Runtime.Device, Context, Accelerator>? create = null, string? spec = null, CPUDevice? only = null)
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
                var name = found is CPUDevice
                    ? $"ILGPU's CPU accelerator, warps of {found.WarpSize}, up to {found.MaxNumThreadsPerGroup} threads a group" : found.Name;
                // Only the GPU-shaped emulator is told to launch like a GPU; a real GPU always does.
                var device = new Device(kind, spec, name, d => new IlgpuBackend(d, made, gpuShaped: type != AcceleratorType.CPU || only == GpuShape),
                    isGpu: found is CudaDevice || found is CLDevice { DeviceType: CLDeviceType.CL_DEVICE_TYPE_GPU });
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
}
