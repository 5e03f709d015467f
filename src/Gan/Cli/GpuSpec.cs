using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>A GPU's datasheet figures, for the roofline estimate of `scratch bench --estimate` (Cli/Estimate.cs).</summary>
public sealed record GpuSpec(string Name, string Label, double Fp32TeraFlops, double TeraBytesPerSecond, double LaunchMicroseconds)
{
    /// <summary>
    /// FP32 (non-tensor-core) peak and memory bandwidth from NVIDIA's datasheets; 5 µs per launch is a
    /// typical CUDA launch plus ILGPU's argument marshalling from .NET (an assumption, not a datasheet figure).
    /// </summary>
    public static readonly GpuSpec[] Known =
    [
        new("h100", "H100 SXM5 80GB (67 TFLOP/s FP32, 3.35 TB/s HBM3)", 67.0, 3.35, 5),
        new("a100", "A100 SXM4 80GB (19.5 TFLOP/s FP32, 2.04 TB/s HBM2e)", 19.5, 2.039, 5),
        new("rtx4090", "GeForce RTX 4090 (82.6 TFLOP/s FP32, 1.01 TB/s GDDR6X)", 82.6, 1.008, 5),
        new("t4", "Tesla T4 (8.1 TFLOP/s FP32, 320 GB/s GDDR6)", 8.1, 0.32, 5),
    ];

    public static GpuSpec Find(string name) => Known.FirstOrDefault(g => g.Name == name.Trim().ToLowerInvariant())
        ?? throw new ArgumentException($"unknown GPU '{name}' (choose one of {string.Join(", ", Known.Select(g => g.Name))})");

    /// <summary>One kernel's time at the roofline: bound by memory or by arithmetic, whichever is slower.</summary>
    public double Seconds(double bytes, double flops) => Math.Max(bytes / (TeraBytesPerSecond * 1e12), flops / (Fp32TeraFlops * 1e12));

    /// <summary>Σ over a meter's calls of max(bytes/bandwidth, flops/peak), plus launches × launch overhead.</summary>
    public double RooflineSeconds(CostMeter meter) =>
        meter.Calls.Sum(c => Seconds(c.BytesRead + c.BytesWritten, c.Flops)) + meter.Calls.Sum(c => c.Launches) * LaunchMicroseconds * 1e-6;
}
