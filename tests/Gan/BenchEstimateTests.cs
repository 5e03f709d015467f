using System.Text.Json;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>`scratch bench --estimate`: launches, bytes, FLOPs and a roofline time per GPU, from a real run on the ILGPU backend.</summary>
[Collection("serial")]   // counts the launches of the process-wide ILGPU device
public class BenchEstimateTests
{
    [Fact]
    public void Estimate_on_the_ilgpu_backend_prints_launches_and_a_roofline_per_gpu()
    {
        var r = Run("bench", "gemm", "--device", "ilgpu-cpu", "--iters", "1", "--warmup", "0", "--estimate", "h100,t4");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("launches per step: 1", r.Err);   // one matmul, one kernel
        Assert.Contains("estimate per step: 1 launches", r.Err);
        // 2·128·784·1024 FLOPs = 0.21 GFLOP; reading A and B and writing C is 0.4 + 3.2 + 0.5 MB
        Assert.Contains("0.21 GFLOP", r.Err);
        Assert.Contains("h100", r.Err); Assert.Contains("t4", r.Err); Assert.Contains("3.35 TB/s", r.Err);
        var j = JsonDocument.Parse(r.Out.Trim()).RootElement;
        Assert.Equal(1, j.GetProperty("launches_per_step").GetInt32());
    }

    [Fact]
    public void An_unknown_gpu_is_one_line()
    {
        OneLineFailure(Run("bench", "gemm", "--estimate", "v100", "--iters", "1"), "unknown GPU 'v100'");
    }

    [Fact]
    public void Batch_changes_a_gan_steps_size_and_is_refused_where_there_is_none()
    {
        // The estimate's bytes grow with the batch: a vanilla step on 8 images moves less than on 16.
        double Mb(int batch)
        {
            var r = Run("bench", "vanilla-step", "--device", "ilgpu-cpu", "--iters", "1", "--warmup", "0", "--batch", batch.ToString(),
                "--estimate", "h100");
            Assert.True(r.Code == 0, r.Err);
            var m = System.Text.RegularExpressions.Regex.Match(r.Err, @"([0-9.]+) MB read");
            return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(Mb(8) < Mb(16));
        OneLineFailure(Run("bench", "gemm", "--batch", "32"), "--batch applies to the GAN step workloads");
    }
}
