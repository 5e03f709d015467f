namespace Scratch.Tensors;

public enum DeviceKind { Cpu, Cuda, OpenCL, IlgpuCpu, Reference }

/// <summary>
/// Where arrays live and which backend computes on them. Each device has a name (its spec: "cpu",
/// "cpu-ref", "cuda", …); <see cref="Catalog"/> says which exist and makes them (the list and what each
/// runs on: <c>Devices/DeviceCatalog.cs</c>). Choose with <see cref="Get"/> or the SCRATCH_DEVICE variable.
/// </summary>
public sealed class Device
{
    public DeviceKind Kind { get; }
    /// <summary>What <see cref="Get"/> takes for this device ("cpu", "ilgpu-cpu-nvidia", …).</summary>
    public string Spec { get; }
    public string Name { get; }
    /// <summary>True for a CUDA device or an OpenCL device of GPU type.</summary>
    public bool IsGpu { get; }
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

    /// <summary>A device whose backend <paramref name="make"/> builds at its first use (made by the catalog).</summary>
    internal Device(DeviceKind kind, string spec, string name, Func<Device, IBackend> make, bool isGpu = false)
    {
        Kind = kind; Spec = spec; Name = name; IsGpu = isGpu;
        _backend = new Lazy<IBackend>(() => ProfilingBackend.Enabled ? new ProfilingBackend(make(this)) : make(this));
    }

    public override string ToString() => Spec;

    // ---- the devices by name: asked of the catalog, which knows the backends ----

    /// <summary>The devices this build can make: set once, when the assembly loads, by <c>Devices/DeviceCatalog.cs</c>.</summary>
    public static IDeviceCatalog Catalog { get; internal set; } = null!;

    static Device? _cpu, _reference, _default;

    /// <summary>The managed SIMD CPU backend: always there.</summary>
    public static Device Cpu => _cpu ??= Get("cpu");

    /// <summary>The reference backend: every primitive as the plainest scalar loop (never chosen by auto).</summary>
    public static Device Reference => _reference ??= Get("cpu-ref");

    /// <summary>Every name <see cref="Get"/> takes: "auto", "cpu", "cpu-ref", "cuda", …</summary>
    public static string[] Choices => Catalog.Choices;

    /// <summary>The device new arrays go to unless one is named: SCRATCH_DEVICE, else auto.</summary>
    public static Device Default
    {
        get => _default ??= Get(Environment.GetEnvironmentVariable("SCRATCH_DEVICE") is { Length: > 0 } s ? s : "auto");
        set => _default = value;
    }

    /// <summary>Resolves one of <see cref="Choices"/>, throwing a one-line reason when it is unavailable.</summary>
    public static Device Get(string spec) => Catalog.Get(spec);

    public static bool TryGet(string spec, out Device? device, out string why) => Catalog.TryGet(spec, out device, out why);

    /// <summary>One line per backend: what was found and, when unavailable, why. For `scratch devices`.</summary>
    public static IEnumerable<(string Spec, bool Available, string Detail)> Survey() => Catalog.Survey();
}
