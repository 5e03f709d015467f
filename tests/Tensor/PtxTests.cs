using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace Scratch.Tests.Tensor;

/// <summary>
/// Every ILGPU kernel, compiled to PTX for sm_70 (V100) and sm_90 (H100) with ILGPU's own PTX
/// backend — what CudaAccelerator does at load time, but with no GPU or driver. Kernels are found,
/// not listed: every public static method of the Kernels class is one, instantiated for float and
/// double and, for an op parameter, every Scratch struct that satisfies its constraint, so a kernel
/// added later is covered without touching this file. Where PTXAS names NVIDIA's assembler, each
/// PTX is also assembled to machine code and must not spill registers.
/// </summary>
public class PtxTests(ITestOutputHelper output)
{
    static readonly CudaArchitecture[] Archs = [CudaArchitecture.SM_70, CudaArchitecture.SM_90];
    static readonly Regex IntDivRem = new(@"\b(div|rem)\.[su](32|64)\b"), F64 = new(@"\.f64\b");
    static readonly CudaDriverVersion Driver = CudaDriverVersion.FromMajorMinor(12, 4);   // the PTX ISA a CUDA 12.4 driver gets
    static readonly Lazy<Dictionary<(string Label, CudaArchitecture Arch), string>> Compiled = new(() => CompileAll(Driver));

    /// <summary>(label, method) for every kernel instantiation the backend can load.</summary>
    public static List<(string Label, MethodInfo Method)> Instantiations()
    {
        _ = typeof(Scratch.Layers.Adam);   // load the assembly whose optimizer rules the Update kernel runs
        var scratchStructs = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Scratch.", StringComparison.Ordinal) == true && a.GetName().Name != "Scratch.Tests")
            .SelectMany(a => a.GetTypes()).Where(t => t.IsValueType).ToList();
        // A generic struct (an optimizer's Rule<T>) closed over float and double, for a constraint like IUpdateRule<T>.
        var closedStructs = scratchStructs.Where(t => t.IsGenericTypeDefinition && t.GetGenericArguments().Length == 1
                && !t.GetGenericArguments()[0].GenericParameterAttributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            .SelectMany(t => new[] { typeof(float), typeof(double) }.Select(e => t.MakeGenericType(e))).ToList();
        scratchStructs.RemoveAll(t => t.IsGenericTypeDefinition);
        var kernels = typeof(Strided).Assembly.GetType("Scratch.Tensors.Ilgpu.Kernels", throwOnError: true)!
            .GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
        var result = new List<(string, MethodInfo)>();
        foreach (var def in kernels)
        {
            if (!def.IsGenericMethodDefinition) { result.Add((def.Name, def)); continue; }
            IEnumerable<Type[]> combos = [[]];
            foreach (var g in def.GetGenericArguments())
            {
                var ifaces = g.GetGenericParameterConstraints().Where(c => c.IsInterface && !c.IsGenericType).ToList();
                var genericIfaces = g.GetGenericParameterConstraints()
                    .Where(c => c.IsInterface && c.IsGenericType && c.Namespace?.StartsWith("Scratch.") == true)
                    .Select(c => c.GetGenericTypeDefinition()).ToList();   // IUpdateRule<T>, not IFloatingPointIeee754<T>
                var choices = ifaces.Count > 0 ? scratchStructs.Where(t => ifaces.All(i => i.IsAssignableFrom(t))).ToList()
                    : genericIfaces.Count > 0 ? closedStructs.Where(
                        t => genericIfaces.All(i => t.GetInterfaces().Any(ti => ti.IsGenericType && ti.GetGenericTypeDefinition() == i))).ToList()
                    : [typeof(float), typeof(double)];
                combos = combos.SelectMany(prefix => choices.Select(t => prefix.Append(t).ToArray())).ToList();
            }
            foreach (var combo in combos)
            {
                try { result.Add(($"{def.Name}<{string.Join(",", combo.Select(t => t.DeclaringType is { } d ? d.Name + "." + t.Name : t.Name))}>",
                    def.MakeGenericMethod(combo))); }
                catch (ArgumentException) { }   // a combination that does not meet the constraints
            }
        }
        return result;
    }

    static Dictionary<(string, CudaArchitecture), string> CompileAll(CudaDriverVersion driver)
    {
        using var context = Context.Create(b => b.EnableAlgorithms());
        var ptx = new Dictionary<(string, CudaArchitecture), string>();
        var failures = new List<string>();
        foreach (var arch in Archs)
        {
            using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch,
                CudaAccelerator.GetInstructionSet(arch, driver), null);
            foreach (var (label, method) in Instantiations())
            {
                try
                {
                    var entry = method.GetParameters()[0].ParameterType == typeof(Index1D)
                        ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
                        : EntryPointDescription.FromExplicitlyGroupedKernel(method);
                    ptx[(label, arch)] = ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
                }
                catch (Exception e) { failures.Add($"{label} sm_{arch.Major}{arch.Minor}: {e.GetType().Name}: {e.Message.Split('\n')[0]}"); }
            }
        }
        if (failures.Count > 0)
            throw new InvalidOperationException($"{failures.Count} kernel(s) failed to compile to PTX:\n" + string.Join("\n", failures));
        return ptx;
    }

    [Fact]
    public void Every_kernel_compiles_to_ptx_for_sm70_and_sm90()
    {
        var all = Compiled.Value;
        Assert.True(all.Count >= 2 * 40, $"only {all.Count} kernel instantiations found");
        output.WriteLine($"{"kernel",-44}{"idiv",6}{"f64",6}{"lines",7}  (sm_90)");
        foreach (var ((label, arch), text) in all.Where(kv => kv.Key.Arch == CudaArchitecture.SM_90).OrderBy(kv => kv.Key.Label))
            output.WriteLine($"{label,-44}{IntDivRem.Matches(text).Count,6}{F64.Matches(text).Count,6}{text.Count(c => c == '\n'),7}");
    }

    [Fact]
    public void Contiguous_elementwise_kernels_do_no_integer_division()
    {
        var linear = Compiled.Value.Where(kv => kv.Key.Label.Contains("Linear") || kv.Key.Label.StartsWith("Update<")).ToList();
        Assert.True(linear.Count >= 10, $"only {linear.Count} linear kernels found");
        foreach (var ((label, arch), text) in linear)
            Assert.True(IntDivRem.Matches(text).Count == 0,
                $"{label} on sm_{arch.Major}{arch.Minor} does {IntDivRem.Matches(text).Count} integer div/rem: {IntDivRem.Match(text).Value}");
    }

    [Fact]
    public void Float32_kernels_use_no_double_precision()
    {
        // Consumer GPUs run float64 at 1/32–1/64 of the float32 rate: a float kernel must not touch it.
        // Known exception: ILGPU's own float Pow converts one value to f64 for a sign test (2
        // instructions per element, outside any loop) — Op.Pow and Op.PowTensor are exempt.
        foreach (var ((label, arch), text) in Compiled.Value.Where(kv => (kv.Key.Label.Contains("Single") || kv.Key.Label == "RandomF32")
                 && !kv.Key.Label.Contains(",Op.Pow")))
            Assert.True(F64.Matches(text).Count == 0, $"{label} on sm_{arch.Major}{arch.Minor} uses float64: {F64.Matches(text).Count} instructions");
    }

    [Fact]
    public void The_gemm_kernel_shares_memory_and_barriers()
    {
        var gemm = Compiled.Value[("MatMulTiled<Single>", CudaArchitecture.SM_90)];
        Assert.Contains(".shared", gemm);
        Assert.Contains("bar.sync", gemm);
        // ILGPU writes mul.f32 + add.f32 (no .rn), which ptxas is free to contract into one FFMA.
        Assert.Matches(@"\bmul\.f32\b", gemm);
    }

    [Fact]
    public void Float32_transcendentals_are_the_fast_approximations_the_docs_state()
    {
        // A deliberate choice (docs/backends.md, "GPU math"): CUDA runs float32 tanh/exp/log as the
        // hardware approximations, and the backend-equality tests use tolerances that hold for them.
        // If ILGPU ever changes this, this test says so and the tolerances must be revisited.
        string Ptx(string op) => Compiled.Value[($"MapLinear<Single,Op.{op}>", CudaArchitecture.SM_90)];
        Assert.Contains("tanh.approx.f32", Ptx("Tanh"));
        Assert.Contains("ex2.approx", Ptx("Exp"));
        Assert.Contains("lg2.approx", Ptx("Log"));
    }

    /// <summary>PTX_SHOW=label writes that kernel's sm_90 PTX to PTX_OUT (default ./kernel.ptx): how docs/backends.md reads one.</summary>
    [Fact]
    public void Show_one_kernel_when_asked()
    {
        if (Environment.GetEnvironmentVariable("PTX_SHOW") is not { Length: > 0 } which) return;
        var text = Compiled.Value[(which, CudaArchitecture.SM_90)];
        File.WriteAllText(Environment.GetEnvironmentVariable("PTX_OUT") ?? "kernel.ptx", text);
    }

    [Fact]
    public void Ptxas_assembles_every_kernel_without_spills()
    {
        var ptxas = Environment.GetEnvironmentVariable("PTXAS");
        if (string.IsNullOrEmpty(ptxas) || !File.Exists(ptxas))
        {
            output.WriteLine("PTXAS is not set: the PTX was checked by ILGPU only (set PTXAS=/path/to/ptxas to assemble it too)");
            return;
        }
        // ptxas reads the PTX ISA of its own CUDA release at most: write that one (as a driver of that release would get).
        var version = Regex.Match(Run(ptxas, "--version"), @"release (\d+)\.(\d+)");
        var release = CudaDriverVersion.FromMajorMinor(int.Parse(version.Groups[1].Value), int.Parse(version.Groups[2].Value));
        output.WriteLine($"ptxas release {release}");
        var dir = TempDirs.New("scratch-ptx");
        var problems = new List<string>();
        int assembled = 0;
        foreach (var ((label, arch), text) in CompileAll(release))
        {
            var file = Path.Combine(dir.FullName, Regex.Replace(label, "[^A-Za-z0-9]+", "_") + $"_{arch.Major}{arch.Minor}.ptx");
            File.WriteAllText(file, text);
            var psi = new ProcessStartInfo(ptxas, [$"-arch=sm_{arch.Major}{arch.Minor}", "-v", "-O3", "-o", "/dev/null", file])
                { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string log = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            var spill = Regex.Match(log, @"(\d+) bytes spill stores");
            var regs = Regex.Match(log, @"Used (\d+) registers");
            if (p.ExitCode != 0)
                problems.Add($"{label} sm_{arch.Major}{arch.Minor}: ptxas failed: {log.Split('\n').FirstOrDefault(l => l.Contains("error"))}");
            else if (spill.Success && spill.Groups[1].Value != "0") problems.Add($"{label} sm_{arch.Major}{arch.Minor}: {spill.Value}");
            else { assembled++; if (arch == CudaArchitecture.SM_90) output.WriteLine($"{label,-44} {regs.Groups[1].Value,4} registers"); }
        }
        dir.Delete(true);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        output.WriteLine($"{assembled} kernels assembled, no spills");
    }

    static string Run(string exe, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return o;
    }
}
