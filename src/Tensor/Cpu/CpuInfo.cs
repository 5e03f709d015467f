using System.Runtime.Intrinsics;

namespace Scratch.Tensors.Cpu;

public static class CpuInfo
{
    public static string Simd => Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "SSE/Neon";
    /// <summary>Threads the CPU backend splits work over (SCRATCH_THREADS overrides).</summary>
    public static int Threads { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("SCRATCH_THREADS"), out var t) && t > 0 ? t : Environment.ProcessorCount;
}
