using System.Text;
using Scratch.Tensors;
using Scratch.Tensors.Ilgpu;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch bench WORKLOAD --device ilgpu-cpu --estimate h100[,a100,…|all]`: what one step would cost
/// on a GPU this machine does not have, from the ILGPU backend's real launches and each primitive's
/// bytes and FLOPs (<see cref="CostMeter"/>), at the roofline of the GPU's datasheet figures.
/// A lower bound: it assumes every kernel reaches peak bandwidth or peak FP32 throughput.
/// </summary>
internal static class Estimate
{
    public static GpuSpec[]? Parse(string? spec)
    {
        if (spec == null) return null;
        try { return spec.Trim() == "all" ? GpuSpec.Known : spec.Split(',').Select(GpuSpec.Find).ToArray(); }
        catch (ArgumentException e) { throw new UsageException("--estimate: " + e.Message); }
    }

    /// <summary>Kernel launches so far on an ILGPU device (through any wrappers), or 0 elsewhere.</summary>
    public static long Launches(IBackend b) => b.Innermost() is IlgpuBackend ib ? ib.Launches : 0;

    public static string Report(CostMeter meter, GpuSpec[] gpus, int iters)
    {
        var calls = meter.Calls;
        double launches = calls.Sum(c => c.Launches) / (double)iters, read = calls.Sum(c => c.BytesRead) / iters,
            written = calls.Sum(c => c.BytesWritten) / iters, flops = calls.Sum(c => c.Flops) / iters;
        var sb = new StringBuilder();
        sb.AppendLine($"estimate per step: {launches:F0} launches, {read / 1e6:F1} MB read, {written / 1e6:F1} MB written, {flops / 1e9:F2} GFLOP");
        sb.AppendLine($"{"gpu",-9}{"roofline ms",12}{"of which launches",19}  datasheet figures assumed");
        foreach (var g in gpus)
        {
            double total = g.RooflineSeconds(meter) / iters * 1e3, launch = launches * g.LaunchMicroseconds * 1e-3;
            sb.AppendLine($"{g.Name,-9}{total,12:F2}{launch,19:F2}  {g.Label}, {g.LaunchMicroseconds} µs per launch");
        }
        return sb.ToString().TrimEnd();
    }
}
