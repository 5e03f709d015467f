using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch bench WORKLOAD`: the workloads of ../shared/peer/torchsharp/Program.cs, timed the same
/// way (warm-up runs, then the median and minimum of the timed runs), printed as one JSON line.
/// </summary>
public static class Bench
{
    public static readonly string[] Workloads = ["gemm", "vanilla-step", "dcgan-step", "wgan-gp-step", "sample-1k", "dcgan64-step", "infogan-step",
        "dcgan-step-logged", "dcgan-epoch-events"];

    static readonly Argument<string?> Workload = new("workload")
    {
        Description = "what to time: " + string.Join(" | ", Workloads),
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "WORKLOAD",
    };
    static readonly Option<int> Iters = Opt.Int("--iters", "timed runs", 10);
    static readonly Option<int> Warmup = Opt.Int("--warmup", "untimed runs first", 3, min: 0);
    static readonly Option<int?> Batch = Opt.OptionalInt("--batch",
        "images per step of a GAN workload, to see how cost grows [default: the peer's: 128; 64 for dcgan64-step]");
    static readonly Option<string?> Device = Opt.Device();
    static readonly Option<string?> EstimateFor = Opt.Text("--estimate",
        "with --device ilgpu-cpu: a roofline estimate of one step on these GPUs (on stderr)",
        string.Join(",", GpuSpec.Known.Select(g => g.Name)) + "|all");

    public static Command Define()
    {
        Workload.CompletionSources.Add(Workloads);
        EstimateFor.CompletionSources.Add([.. GpuSpec.Known.Select(g => g.Name), "all"]);
        var command = new Command("bench", "time one workload as ../shared/peer/torchsharp does; prints one JSON line")
            { Workload, Iters, Warmup, Batch, Device, EstimateFor };
        command.SetAction(Run);
        return command;
    }

    public static int Run(ParseResult p)
    {
        var workload = p.GetValue(Workload) ?? throw new UsageException($"bench: name a workload ({string.Join(", ", Workloads)})");
        if (!Workloads.Contains(workload))
            throw new UsageException(
                $"bench: unknown workload '{workload}' ({Suggest.DidYouMean(workload, Workloads) ?? string.Join(", ", Workloads)})");
        int iters = p.GetValue(Iters), warmup = p.GetValue(Warmup);
        var device = Program.DeviceOption(p.GetValue(Device));
        var gpus = Estimate.Parse(p.GetValue(EstimateFor));
        var meter = gpus == null ? null : device.Instrument(b => new CostMeter(b));
        try { return Measure(workload, device, iters, warmup, meter, gpus, p.GetValue(Batch)); }
        finally { if (meter != null) device.RemoveInstrument(); }
    }

    static int Measure(string workload, Device device, int iters, int warmup, CostMeter? meter, GpuSpec[]? gpus, int? batch)
    {
        if (batch != null && workload is "gemm" or "sample-1k")
            throw new UsageException($"bench: --batch applies to the GAN step workloads, not {workload}");
        Action step = Step(workload, device, batch);
        bool trace = Environment.GetEnvironmentVariable("SCRATCH_MEMORY_TRACE") == "1";
        for (int i = 0; i < warmup; i++)
        {
            step();
            if (trace)
                Console.Error.WriteLine($"warm-up {i}: peak {MemoryStats.For(device).PeakBytes >> 20} MB, " +
                    $"reserved {device.Backend.BytesAllocated >> 20} MB, live {MemoryStats.For(device).LiveBytes >> 20} MB");
        }
        ProfilingBackend.Reset();
        meter?.Reset();
        var stats = MemoryStats.For(device);
        stats.ResetPeak();
        long launches0 = Estimate.Launches(device.Backend);
        var times = new List<double>();
        for (int i = 0; i < iters; i++)
        {
            var sw = Stopwatch.StartNew();
            step();
            device.Backend.Synchronize();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        long? launches = Estimate.Launches(device.Backend) is var l1 and > 0 ? (l1 - launches0) / iters : null;
        if (ProfilingBackend.Enabled) Console.Error.WriteLine(
            ProfilingBackend.Report(int.TryParse(Environment.GetEnvironmentVariable("SCRATCH_PROFILE_TOP"), out var top) ? top : 25));
        if ((ProfilingBackend.Enabled || meter != null) && launches != null) Console.Error.WriteLine($"launches per step: {launches}");
        if (meter != null) Console.Error.WriteLine(Estimate.Report(meter, gpus!, iters));
        var memory = StepMemory.Measure(device, stats);
        if (Terminal.Interactive) Tables.Bench(workload, device.ToString(), times[times.Count / 2], times[0], iters, launches, memory);
        // One JSON line, byte for byte as bench/compare.sh and the peer's program print it.
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            workload, engine = "scratch", device = device.ToString(),
            median_ms = Math.Round(times[times.Count / 2], 3), min_ms = Math.Round(times[0], 3), iters,
            launches_per_step = launches,
            pool_peak_mb = Math.Round(memory.PoolPeakMb, 1), pool_reserved_mb = Math.Round(memory.PoolReservedMb, 1),
            peak_rss_mb = memory.PeakRssMb is { } rss ? Math.Round(rss, 1) : (double?)null,
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        return 0;
    }

    /// <summary>
    /// A step's memory: the most bytes tensors held at once (the pool's bytes in use at their peak),
    /// what the pool reserved from the device (in use or cached for reuse), and on the CPU the
    /// process's peak resident set, which also counts the runtime, the GC heap and the pool's cache.
    /// </summary>
    internal readonly record struct StepMemory(double PoolPeakMb, double PoolReservedMb, double? PeakRssMb)
    {
        const double Mb = 1 << 20;
        public static StepMemory Measure(Device device, MemoryStats stats) => new(
            stats.PeakBytes / Mb, device.Backend.BytesAllocated / Mb,
            device.IsGpu ? null : MemoryStats.PeakRssBytes() / Mb);
    }

    static Action Step(string name, Device device, int? batch)
    {
        switch (name)
        {
            case "gemm":
                var a = NDArray.Uniform([128, 784], device: device); var b = NDArray.Uniform([784, 1024], device: device);
                return () => { using (MemoryScope.Begin()) a.MatMul(b); };
            default:
                return BenchGan.Workload(name, device, batch);
        }
    }
}
