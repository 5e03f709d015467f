using ILGPU.Runtime;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace Scratch.Tests.Tensor;

/// <summary>
/// Device selection never offers a device that then fails: the probe creates the accelerator and runs
/// a kernel inside its own try, and every unavailable device comes with a one-line reason.
/// </summary>
public class DeviceProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void A_failing_accelerator_factory_makes_the_device_unavailable_with_its_reason()
    {
        var d = IlgpuDevices.Probe(DeviceKind.IlgpuCpu, AcceleratorType.CPU, out var why,
            (_, _) => throw new InvalidOperationException("simulated: driver refused to create a context"));
        Assert.Null(d);
        Assert.Contains("failed its test kernel", why);
        Assert.Contains("simulated: driver refused", why);
        Assert.DoesNotContain("\n", why);
    }

    [Fact]
    public void An_accelerator_that_breaks_when_used_is_caught_by_the_test_kernel()
    {
        // The accelerator is created, but disposed before the probe's kernel runs: creation alone proves nothing.
        var d = IlgpuDevices.Probe(DeviceKind.IlgpuCpu, AcceleratorType.CPU, out var why,
            (dev, ctx) => { var acc = dev.CreateAccelerator(ctx); acc.Dispose(); return acc; });
        Assert.Null(d);
        Assert.Contains("failed its test kernel", why);
        output.WriteLine(why);
    }

    [Fact]
    public void A_working_accelerator_passes_and_computes()
    {
        var d = IlgpuDevices.Probe(DeviceKind.IlgpuCpu, AcceleratorType.CPU, out var why);
        Assert.True(d != null, why);
        DeviceProbe.Smoke(d!);
    }

    [Fact]
    public void Auto_picks_only_a_device_that_runs_and_every_unavailable_one_says_why()
    {
        var auto = Scratch.Tensors.Device.Get("auto");
        DeviceProbe.Smoke(auto);   // whatever auto chose really runs kernels
        foreach (var (spec, ok, detail) in Scratch.Tensors.Device.Survey())
        {
            output.WriteLine($"{spec,-10} {(ok ? "available" : "unavailable"),-12} {detail}");
            Assert.False(string.IsNullOrWhiteSpace(detail), $"{spec}: no detail");
            Assert.DoesNotContain("\n", detail);
        }
        output.WriteLine($"auto -> {auto}");
    }

    [Fact]
    public void An_opencl_runtime_ilgpu_cannot_use_is_refused_with_the_reason()
    {
        // pocl (apt-get install pocl-opencl-icd ocl-icd-opencl-dev) is a real OpenCL CPU device without
        // the generic address space ILGPU's OpenCL C needs: it must be refused, and auto must fall back.
        bool listed = Scratch.Tensors.Device.Survey().Any(s => s.Spec == "opencl");
        Assert.True(listed);
        if (!Scratch.Tensors.Device.TryGet("opencl", out var d, out var why))
        {
            output.WriteLine("opencl: " + why);
            Assert.False(string.IsNullOrWhiteSpace(why));
            Assert.NotEqual(DeviceKind.OpenCL, Scratch.Tensors.Device.Get("auto").Kind);
        }
        else DeviceProbe.Smoke(d!);   // a usable OpenCL device must then really compute
    }

    [Fact]
    public void Without_the_unversioned_libraries_the_reason_names_them_and_the_fix()
    {
        // Only the runtime packages: libOpenCL.so.1 and libcuda.so.1 load, the unversioned names do not.
        static bool RuntimeOnly(string lib) => lib.EndsWith(".so.1");
        var cl = DeviceProbe.WhyNone(AcceleratorType.OpenCL, RuntimeOnly);
        Assert.Contains("libOpenCL.so", cl);
        Assert.Contains("ocl-icd-opencl-dev", cl);
        Assert.DoesNotContain("ICD installed", cl);   // not blamed on a missing ICD
        var cuda = DeviceProbe.WhyNone(AcceleratorType.Cuda, RuntimeOnly);
        Assert.Contains("ln -s libcuda.so.1 libcuda.so", cuda);
        Assert.Contains("no platform", DeviceProbe.WhyNone(AcceleratorType.OpenCL, _ => true));
        Assert.Contains("not found", DeviceProbe.WhyNone(AcceleratorType.OpenCL, _ => false));
    }

    [Fact]
    public void CuBlas_13_is_tried_before_each_version_ilgpu_algorithms_asks_for()
    {
        Assert.Equal(["libcublas.so.13", "libcublas.so.12"], CuBlasLibrary.Candidates("libcublas.so.12", windows: false));
        Assert.Equal(["libcublas.so.13", "libcublas.so.10"], CuBlasLibrary.Candidates("libcublas.so.10", windows: false));
        Assert.Equal(["cublas64_13.dll", "cublas64_11.dll"], CuBlasLibrary.Candidates("cublas64_11.dll", windows: true));
        Assert.Empty(CuBlasLibrary.Candidates("libcuda.so", windows: false));   // other libraries: the runtime's own search
        // The names asked for are ILGPU.Algorithms' own: its generated imports name versions 10 to 12 and no 13.
        var asked = typeof(ILGPU.Runtime.Cuda.CuBlas).Assembly.GetTypes()
            .Select(t => t.GetField("LibName")?.GetRawConstantValue() as string).OfType<string>()
            .Where(n => n.StartsWith("libcublas.so")).Order().ToArray();
        Assert.Equal(["libcublas.so.10", "libcublas.so.11", "libcublas.so.12"], asked);
    }
}
