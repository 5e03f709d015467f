using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Decides whether an ILGPU device can really be used, and if not, says why in one line. A device
/// passes only if its accelerator can be created AND a tiny kernel runs on it and returns the right
/// numbers — a driver that lists a GPU it cannot run, or an OpenCL runtime that cannot compile
/// ILGPU's kernels, fails here instead of at the first op of a training run.
/// </summary>
public static class DeviceProbe
{
    /// <summary>Why there is no device of this kind at all (nothing listed by ILGPU).</summary>
    public static string WhyNone(AcceleratorType type) => WhyNone(type, CanLoad);

    /// <summary>
    /// The reason, given which libraries load. ILGPU binds the driver libraries by their unversioned
    /// names ("cuda", "OpenCL": libcuda.so, libOpenCL.so), which only development packages install;
    /// a machine with just the runtime (libcuda.so.1, libOpenCL.so.1) lists no device at all.
    /// </summary>
    public static string WhyNone(AcceleratorType type, Func<string, bool> canLoad) => type switch
    {
        AcceleratorType.Cuda => canLoad("libcuda.so")
            ? "the CUDA driver is loaded but reports no GPU"
            : canLoad("libcuda.so.1")
                ? "the NVIDIA driver is installed (libcuda.so.1) but ILGPU loads the unversioned libcuda.so: " +
                    "link it (ln -s libcuda.so.1 libcuda.so in the driver's library folder) or install the toolkit's cuda-driver-dev package"
                : "no NVIDIA driver (libcuda.so not found)",
        AcceleratorType.OpenCL => canLoad("libOpenCL.so")
            ? "the OpenCL loader found no platform with a device (no ICD installed, e.g. pocl-opencl-icd or a GPU vendor's)"
            : canLoad("libOpenCL.so.1")
                ? "the OpenCL loader is installed (libOpenCL.so.1) but ILGPU loads the unversioned libOpenCL.so: " +
                    "install ocl-icd-opencl-dev (or ln -s libOpenCL.so.1 libOpenCL.so in its folder)"
                : "no OpenCL runtime (libOpenCL.so not found: install ocl-icd-libopencl1 and ocl-icd-opencl-dev, " +
                    "and a vendor ICD such as pocl-opencl-icd)",
        _ => "ILGPU lists no such device",
    };

    /// <summary>Reasons known before creating anything: what ILGPU cannot run on this device.</summary>
    public static string? Unsupported(ILGPU.Runtime.Device d) => d switch
    {
        CLDevice cl when !cl.Capabilities.GenericAddressSpace =>
            $"OpenCL device '{cl.Name}' lacks the generic address space ILGPU needs (OpenCL 2.0, or 3.0 with it)",
        CudaDevice cu when cu.Architecture == null =>
            $"CUDA device '{cu.Name}' has an architecture ILGPU {typeof(Context).Assembly.GetName().Version?.ToString(3)} " +
                $"does not know (driver {cu.DriverVersion})",
        _ => null,
    };

    /// <summary>Runs y = 2x + 1 over a few elements, reads it back and compares: the smallest proof that kernels run.</summary>
    public static void Smoke(Tensors.Device device)
    {
        using var scope = MemoryScope.Begin();
        var x = NDArray.From([0.0, 1, 2, 3, 4, 5, 6, 7], [8], DType.Float32, device);
        var y = x.ScaleShift(2, 1).ToDoubles();
        for (int i = 0; i < y.Length; i++)
            if (y[i] != 2 * i + 1) throw new InvalidOperationException($"a test kernel returned {y[i]} instead of {2 * i + 1}");
    }

    /// <summary>The first line of an exception's message, with the inner one's when the outer says little.</summary>
    public static string Reason(Exception e)
    {
        var inner = e is TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException != null
            ? e.InnerException : e;
        return $"{inner.GetType().Name}: {inner.Message.Split('\n')[0].Trim()}";
    }

    static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
