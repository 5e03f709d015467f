using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Finds NVIDIA's cuBLAS for ILGPU.Algorithms. Its 1.5.3 binds cuBLAS by file name, one generated
/// class per version it knows ([LibraryImport("libcublas.so.12")], ".11", ".10"; "cublas64_12.dll", …
/// on Windows), and creates them newest first until one loads. CUDA 13 ships libcublas.so.13, which
/// it never asks for, so on a current toolkit cuBLAS silently did not load. This resolver, set on
/// ILGPU.Algorithms' assembly, answers each of those requests with the version-13 library when there
/// is one, else with the name asked for. The calls we make (cublasCreate_v2, cublasSetStream_v2,
/// cublasSgemm_v2, the pointer mode) keep their signatures in cuBLAS 13.
/// </summary>
public static class CuBlasLibrary
{
    static readonly object _lock = new();
    static readonly List<string> _tried = new();
    static bool _installed;

    /// <summary>The file name that loaded, once cuBLAS has been asked for; null until then or if none did.</summary>
    public static string? Loaded { get; private set; }

    /// <summary>Names tried that did not load, in order (each once).</summary>
    public static IReadOnlyList<string> Missing { get { lock (_lock) return _tried.ToArray(); } }

    /// <summary>Why the resolver could not be set (another one already was), or null.</summary>
    public static string? InstallError { get; private set; }

    /// <summary>
    /// The files to try, in order, when ILGPU.Algorithms asks for <paramref name="requested"/>: the
    /// newest cuBLAS this platform names, then the one asked for. Empty for any other library (the
    /// runtime's own search applies).
    /// </summary>
    public static IReadOnlyList<string> Candidates(string requested, bool windows)
    {
        string prefix = windows ? "cublas64_" : "libcublas.so", newest = windows ? "cublas64_13.dll" : "libcublas.so.13";
        if (!requested.StartsWith(prefix, StringComparison.Ordinal)) return [];
        return requested == newest ? [newest] : [newest, requested];
    }

    /// <summary>Sets the resolver on ILGPU.Algorithms' assembly, once per process, before the first cuBLAS call.</summary>
    public static void Install()
    {
        lock (_lock)
        {
            if (_installed) return;
            _installed = true;
            try { NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, Resolve); }
            catch (InvalidOperationException e) { InstallError = e.Message; }
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        foreach (var file in Candidates(name, OperatingSystem.IsWindows()))
        {
            if (NativeLibrary.TryLoad(file, assembly, path, out var handle)) { Loaded = file; return handle; }
            lock (_lock) if (!_tried.Contains(file)) _tried.Add(file);
        }
        return IntPtr.Zero;
    }

    /// <summary>One line: why cuBLAS is not in use, from the exception ILGPU.Algorithms threw.</summary>
    public static string WhyNot(Exception e)
    {
        if (Loaded == null && Missing.Count > 0)
            return $"no cuBLAS library found (tried {string.Join(", ",
                Missing)}): install the CUDA toolkit's libcublas package or add its folder to LD_LIBRARY_PATH";
        var first = e.Message.Split('\n')[0].Trim();
        return Loaded != null ? $"{Loaded} loaded but failed: {first}" : first + (InstallError != null ? $" (resolver not set: {InstallError})" : "");
    }
}
