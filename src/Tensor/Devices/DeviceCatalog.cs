using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Scratch.Tensors.Cpu;
using Scratch.Tensors.Ilgpu;
using Scratch.Tensors.Reference;

namespace Scratch.Tensors.Devices;

/// <summary>
/// The composition root of src/Tensor: the one place that knows every backend and builds the devices.
/// <c>cpu</c> is the managed SIMD backend; <c>cpu-ref</c> the reference backend (plain scalar loops: the
/// definition the others must equal); <c>cuda</c>, <c>opencl</c>, <c>ilgpu-cpu</c> and
/// <c>ilgpu-cpu-nvidia</c> run the ILGPU kernels (<see cref="IlgpuDevices"/>). <c>auto</c> = CUDA, then
/// OpenCL, then cpu. The core reaches all this only through <see cref="IDeviceCatalog"/>.
/// </summary>
internal sealed class DeviceCatalog : IDeviceCatalog
{
    // A module initializer runs when the assembly loads, before any other code in it: Device.Cpu,
    // Device.Get and the default device find the catalog already there, without the core naming it.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "it installs this assembly's own catalog, which every use of a device needs")]
    internal static void Install() => Device.Catalog = new DeviceCatalog();

    readonly Device _cpu = new(DeviceKind.Cpu, "cpu", $"managed CPU, {Environment.ProcessorCount} threads, {CpuInfo.Simd}", d => new CpuBackend(d));
    readonly Device _reference = new(DeviceKind.Reference, "cpu-ref", "reference CPU: scalar loops, one thread", d => new ReferenceBackend(d));
    readonly Dictionary<string, Device> _cache = new();
    readonly Dictionary<string, string> _failed = new();   // probed once per process: a failed probe costs seconds

    public string[] Choices { get; } = ["auto", "cpu", "cpu-ref", .. IlgpuDevices.Specs];

    public Device Get(string spec)
    {
        spec = spec.Trim().ToLowerInvariant();
        if (spec == "auto")
        {
            // An OpenCL device counts only if it is a GPU: OpenCL on the CPU is slower than the managed backend.
            foreach (var k in new[] { "cuda", "opencl" })
                if (TryGet(k, out var d, out _) && d!.IsGpu) return d;
            return _cpu;
        }
        return TryGet(spec, out var dev, out var why) ? dev! : throw new ArgumentException($"device '{spec}' is not available: {why}");
    }

    public bool TryGet(string spec, out Device? device, out string why)
    {
        why = "";
        if (spec == "cpu") { device = _cpu; return true; }   // always there
        if (spec == "cpu-ref") { device = _reference; return true; }
        if (!IlgpuDevices.Specs.Contains(spec))
            throw new ArgumentException($"unknown device '{spec}' (choose one of {string.Join(", ", Choices)})");
        lock (_cache)
        {
            if (_cache.TryGetValue(spec, out device)) return true;
            if (_failed.TryGetValue(spec, out why!)) return false;
            device = IlgpuDevices.Probe(spec, out why);
            if (device != null) _cache[spec] = device; else _failed[spec] = why;
            return device != null;
        }
    }

    public IEnumerable<(string Spec, bool Available, string Detail)> Survey()
    {
        yield return ("cpu", true, _cpu.Name);
        yield return ("cpu-ref", true, _reference.Name);
        foreach (var s in IlgpuDevices.Specs)
            yield return TryGet(s, out var d, out var why) ? (s, true, d!.Name) : (s, false, why);
    }
}
