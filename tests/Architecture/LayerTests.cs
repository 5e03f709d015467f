using System.Reflection;
using System.Xml.Linq;
using NetArchTest.Rules;
using Xunit;

namespace Scratch.Tests.Architecture;

/// <summary>
/// The layers docs/architecture.md draws, enforced: nothing lower references anything higher. Between
/// projects the project references already forbid it (a cycle does not build); this checks that the
/// graph is the one drawn, both as written in the .csproj files and as compiled. Inside src/Gan, one
/// project, the layers are namespaces, and NetArchTest reads every type's dependencies from the IL; so it
/// does inside src/Tensor, whose core knows no backend.
/// </summary>
public class LayerTests
{
    /// <summary>Each src/ project and the projects it may reference (directly).</summary>
    static readonly Dictionary<string, string[]> Projects = new()
    {
        ["Scratch.Tensor"] = [],
        ["Scratch.Autograd"] = ["Scratch.Tensor"],
        ["Scratch.Layers"] = ["Scratch.Autograd"],
        ["Scratch.Gan"] = ["Scratch.Layers", "Scratch.Course"],
        ["Scratch.Toy"] = ["Scratch.Autograd"],
        // Exercise mode reads and rewrites C# source and runs tests: it uses none of the framework.
        ["Scratch.Course"] = [],
    };

    /// <summary>src/Gan's layers, lowest first; a layer may use the layers before it, never one after it or a peer.</summary>
    internal static readonly string[][] GanLayers =
    [
        ["Scratch.Gan.Images"],                          // PNG, GIF, grids
        ["Scratch.Gan.Data"],                            // IDX files, picture folders, the image set
        ["Scratch.Gan.Models"],                          // settings, the zoo, networks, losses, one step
        ["Scratch.Gan.Training"],                        // the loop, the run folder, diagnostics
        ["Scratch.Gan.Evaluation", "Scratch.Gan.Graph"], // judging samples; the picture of one step
        ["Scratch.Gan.Sweeps", "Scratch.Gan.Watch"],     // grids of training runs, their tables; the live page of runs
        ["Scratch.Gan.Cli"],                             // every verb, the terminal, Program.Main
    ];

    static readonly Assembly Gan = typeof(Scratch.Gan.Models.GanModel).Assembly;

    /// <summary>
    /// src/Tensor's parts: the core (NDArray, Device, IBackend, …: the namespace itself), the backends, and
    /// the composition root that builds the devices. The core uses neither; a backend uses the core only.
    /// </summary>
    const string TensorCore = "Scratch.Tensors", DeviceRoot = "Scratch.Tensors.Devices";
    internal static readonly string[] Backends = ["Scratch.Tensors.Cpu", "Scratch.Tensors.Ilgpu", "Scratch.Tensors.Reference"];
    static readonly Assembly TensorAssembly = typeof(Scratch.Tensors.NDArray).Assembly;

    [Fact]
    public void Each_project_references_only_the_projects_below_it()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var found = Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories).ToDictionary(p => Path.GetFileNameWithoutExtension(p)!, p => p);
        Assert.Equal(Projects.Keys.Order(), found.Keys.Order());
        foreach (var (project, path) in found)
        {
            var refs = XDocument.Load(path).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order().ToArray();
            Assert.True(refs.SequenceEqual(Projects[project].Order()),
                $"{project} references {string.Join(", ", refs)}; allowed: {string.Join(", ", Projects[project])}");
        }
    }

    [Fact]
    public void Each_compiled_assembly_uses_only_the_assemblies_below_it()
    {
        (Assembly Assembly, string Project)[] compiled = [(typeof(Scratch.Tensors.NDArray).Assembly, "Scratch.Tensor"),
            (typeof(Scratch.Autograd.Tensor).Assembly, "Scratch.Autograd"), (typeof(Scratch.Layers.Module).Assembly, "Scratch.Layers"),
            (Gan, "Scratch.Gan"), (typeof(Scratch.Toy.Methods).Assembly, "Scratch.Toy"), (typeof(Scratch.Course.Clone).Assembly, "Scratch.Course")];
        // Assembly names differ from project names (scratch, scratch-toy): map each back to its project.
        var project = compiled.ToDictionary(c => c.Assembly.GetName().Name!, c => c.Project);
        foreach (var (assembly, name) in compiled)
        {
            var below = Below(name);
            var used = assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(project.ContainsKey).Select(r => project[r]).ToArray();
            Assert.True(used.All(below.Contains), $"{name} uses {string.Join(", ", used.Where(u => !below.Contains(u)))}, which is not below it");
        }
    }

    [Fact]
    public void The_tensor_core_names_no_backend_nor_the_root_that_builds_the_devices()
    {
        Assert.Contains(typeof(Scratch.Tensors.Device), InNamespaceOnly(TensorAssembly, TensorCore).GetTypes());
        var result = InNamespaceOnly(TensorAssembly, TensorCore).ShouldNot().HaveDependencyOnAny([.. Backends, DeviceRoot]).GetResult();
        Assert.True(result.IsSuccessful,
            $"the core must not use {string.Join(", ", Backends)} nor {DeviceRoot}; offending types: {string.Join(", ",
                result.FailingTypeNames ?? [])}");
    }

    public static TheoryData<string> BackendNames() => [.. Backends];

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void A_backend_uses_no_other_backend_nor_the_device_root(string ns)
    {
        string[] forbidden = [.. Backends.Where(b => b != ns), DeviceRoot];
        var result = Types.InAssembly(TensorAssembly).That().ResideInNamespace(ns).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            $"{ns} must not use {string.Join(", ", forbidden)}; offending types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_tensor_type_lives_in_the_core_a_backend_or_the_device_root()
    {
        string[] parts = [TensorCore, .. Backends, DeviceRoot];
        // (The compiler's own attributes, embedded in System.* and Microsoft.* namespaces, are no part.)
        var stray = TensorAssembly.GetTypes().Where(t => t.Namespace is { } n && n.StartsWith("Scratch.") && !parts.Contains(n))
            .Select(t => t.FullName).ToArray();
        Assert.True(stray.Length == 0, "types outside the core, the backends and the device root: " + string.Join(", ", stray));
    }

    /// <summary>The checkout's root: the folder above the test's binaries that holds Scratch.sln.</summary>
    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Scratch.sln above the test's folder");
    }

    /// <summary>Every project below this one, directly or through others.</summary>
    static HashSet<string> Below(string project)
    {
        var all = new HashSet<string>();
        foreach (var p in Projects[project]) { all.Add(p); all.UnionWith(Below(p)); }
        return all;
    }

    public static TheoryData<string> GanLayerNames() => [.. GanLayers.SelectMany(l => l)];

    [Theory]
    [MemberData(nameof(GanLayerNames))]
    public void A_gan_layer_references_no_layer_above_it_nor_a_peer(string ns)
    {
        var result = Forbidden(ns);
        Assert.True(result.IsSuccessful,
            $"{ns} must not use {string.Join(", ", ForbiddenFor(ns))}; offending types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_gan_root_namespace_holds_only_shared_helpers_that_use_no_layer()
    {
        var root = Gan.GetTypes().Where(t => t.Namespace == "Scratch.Gan" && !t.Name.StartsWith('<')).Select(t => t.Name).Order();
        Assert.Equal(["UsageException"], root);
        Assert.Contains(typeof(Scratch.Gan.UsageException), InNamespaceOnly(Gan, "Scratch.Gan").GetTypes());
        var result = InNamespaceOnly(Gan, "Scratch.Gan").ShouldNot().HaveDependencyOnAny([.. GanLayers.SelectMany(l => l)]).GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Every_gan_type_lives_in_a_layer()
    {
        var layers = GanLayers.SelectMany(l => l).ToArray();
        var stray = Gan.GetTypes().Where(t => t.Namespace is { } n && n != "Scratch.Gan" && !layers.Any(l => n == l || n.StartsWith(l + ".")))
            .Select(t => t.FullName).ToArray();
        Assert.True(stray.Length == 0, "types outside every layer: " + string.Join(", ", stray));
    }

    /// <summary>The namespaces a layer may not use: every later layer and its peers.</summary>
    internal static string[] ForbiddenFor(string ns)
    {
        int level = Array.FindIndex(GanLayers, l => l.Contains(ns));
        return [.. GanLayers.Skip(level + 1).SelectMany(l => l), .. GanLayers[level].Where(p => p != ns)];
    }

    /// <summary>
    /// The types of this namespace and not of the ones inside it. NetArchTest's ResideInNamespace is a prefix
    /// match, and "that reside in X and not in X." selects nothing at all (a rule over no types passes), so
    /// the namespace is matched whole; the tests check the selection holds a type they know is there.
    /// </summary>
    static PredicateList InNamespaceOnly(Assembly assembly, string ns) =>
        Types.InAssembly(assembly).That().ResideInNamespaceMatching("^" + System.Text.RegularExpressions.Regex.Escape(ns) + "$");

    static TestResult Forbidden(string ns) =>
        Types.InAssembly(Gan).That().ResideInNamespace(ns).ShouldNot().HaveDependencyOnAny(ForbiddenFor(ns)).GetResult();
}
