using System.Text.Json;
using Scratch.Gan.Cli;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>The `scratch` command as a user meets it. Console is process-wide, so these run alone.</summary>
[Collection("serial")]
public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var (oldO, oldE) = (Console.Out, Console.Error);
        Console.SetOut(o); Console.SetError(e);
        try { return (Program.Main(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldO); Console.SetError(oldE); }
    }

    static string Tmp() => TempDirs.New().FullName;

    internal static void OneLineFailure((int Code, string Out, string Err) r, string expect)
    {
        Assert.NotEqual(0, r.Code);
        var err = r.Err.TrimEnd();
        Assert.StartsWith("scratch: ", err);
        Assert.DoesNotContain("\n", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains(expect, err);
    }

    [Fact]
    public void Bad_arguments_fail_with_one_line_and_write_nothing()
    {
        var dir = Tmp();
        var outDir = Path.Combine(dir, "run");
        OneLineFailure(Run("train", "--model", "stylegan", "--out", outDir), "unknown value 'stylegan'");
        OneLineFailure(Run("train", "--loss", "hinge", "--out", outDir), "--loss: unknown value 'hinge'");
        OneLineFailure(Run("train", "--epochs", "0", "--out", outDir), "--epochs: must be at least 1");
        OneLineFailure(Run("train", "--batch-size", "-5", "--out", outDir), "--batch-size: must be at least 1");
        OneLineFailure(Run("train", "--lr", "-0.1", "--out", outDir), "--lr: must be positive");
        OneLineFailure(Run("train", "--lr-g", "fast", "--out", outDir), "--lr-g: 'fast' is not a number");
        OneLineFailure(Run("train", "--model", "infogan", "--loss", "wgan-gp", "--out", outDir), "infogan cannot use loss wgan-gp");
        OneLineFailure(Run("train", "--data", Path.Combine(dir, "nope"), "--out", outDir), "does not exist");
        OneLineFailure(Run("train", "--epochs", "1", "--colour", "red"), "unknown option '--colour'");
        OneLineFailure(Run("frobnicate"), "unknown command 'frobnicate'");
        OneLineFailure(Run("bench", "resnet"), "unknown workload 'resnet'");
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "a failed command left files behind");
    }

    [Fact]
    public void Corrupt_data_and_wrong_checkpoints_fail_with_one_line()
    {
        var dir = Tmp();
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1, 3]);
        OneLineFailure(Run("train", "--data", dir, "--out", Path.Combine(dir, "run")), "wrong magic number");
        Assert.False(File.Exists(Path.Combine(dir, "run", "config.json")));

        var notCkpt = Path.Combine(dir, "x.safetensors");
        File.WriteAllText(notCkpt, "hello");
        OneLineFailure(Run("sample", "--checkpoint", notCkpt, "--out", Path.Combine(dir, "s.png")), "is not a valid checkpoint");
        OneLineFailure(Run("sample", "--checkpoint", Path.Combine(dir, "missing.safetensors")), "does not exist");
        Assert.False(File.Exists(Path.Combine(dir, "s.png")));
    }

    [Fact]
    public void Train_writes_the_run_folder_then_sample_interpolate_and_idx_work_from_its_checkpoint()
    {
        var run = Path.Combine(Tmp(), "run");
        var r = Run("train", "--model", "vanilla", "--epochs", "1", "--batch-size", "500", "--out", run, "--sample-every", "10",
            "--checkpoint-every", "10");
        Assert.True(r.Code == 0, r.Err);
        foreach (var f in new[] { "config.json", "metrics.csv", "curves.png", "fixed/epoch-001.png", "fixed/progress.gif",
                 "checkpoints/latest.safetensors", "checkpoints/iter-000010.safetensors", "samples/iter-000020.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        Assert.Equal(21, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);
        var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))).RootElement;
        Assert.Equal("vanilla", cfg.GetProperty("model").GetString());
        Assert.Equal(500, cfg.GetProperty("batch_size").GetInt32());

        var ckpt = Path.Combine(run, "checkpoints", "latest.safetensors");
        var png = Path.Combine(run, "s.png");
        Assert.Equal(0, Run("sample", "--checkpoint", ckpt, "--n", "16", "--out", png).Code);
        var (_, w, h) = Scratch.Gan.Images.ImageFile.ReadRgb(png);
        Assert.Equal((4 * 30 + 2, 4 * 30 + 2), (w, h));
        var idx = Path.Combine(run, "s-idx3-ubyte");
        Assert.Equal(0, Run("sample", "--checkpoint", ckpt, "--format", "idx", "--n", "7", "--out", idx).Code);
        Assert.Equal(7, Scratch.Gan.Data.Idx.ReadImages(idx).Count);
        Assert.Equal(0, Run("interpolate", "--checkpoint", ckpt, "--pairs", "2", "--steps", "5", "--out", Path.Combine(run, "i.png")).Code);
        OneLineFailure(Run("traverse", "--checkpoint", ckpt, "--out", Path.Combine(run, "t")), "traverse needs an infogan checkpoint");
        OneLineFailure(Run("train", "--out", run), "already holds a run");
    }

    [Fact]
    public void An_interrupted_then_resumed_run_writes_the_same_metrics_as_an_uninterrupted_one()
    {
        string[] Args(string dir) =>
            ["train", "--model", "vanilla", "--epochs", "2", "--batch-size", "1000", "--out", dir, "--sample-every", "0", "--seed", "5"];
        var whole = Path.Combine(Tmp(), "whole");
        Assert.Equal(0, Run(Args(whole)).Code);
        var parts = Path.Combine(Tmp(), "parts");
        Assert.Equal(0, Run([.. Args(parts), "--stop-after", "13"]).Code);
        Assert.Equal(14, File.ReadAllLines(Path.Combine(parts, "metrics.csv")).Length);
        var r = Run("train", "--resume", parts);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "metrics.csv")), File.ReadAllLines(Path.Combine(parts, "metrics.csv")));
        OneLineFailure(Run("train", "--resume", parts, "--lr", "0.1"), "cannot be changed when resuming");
    }

    [Fact, Trait("Category", "Ilgpu")]
    public void On_an_ilgpu_device_losses_are_read_every_tenth_iteration_and_before_stopping()
    {
        // Each read makes the host wait for the device, so a GPU run logs every 10th iteration (and the
        // last one before a stop); the emulator is an ILGPU device, so it shows the same behaviour.
        var run = Path.Combine(Tmp(), "gpu-log");
        var r = Run("train", "--model", "vanilla", "--batch-size", "16", "--device", Devices.IlgpuName, "--out", run, "--sample-every", "0",
            "--stop-after", "13");
        Assert.True(r.Code == 0, r.Err);
        var iterations = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(l => l.Split(',')[0]);
        Assert.Equal(["10", "13"], iterations);
    }

    [Fact]
    public void A_diverging_run_stops_with_the_iteration_and_keeps_the_last_good_checkpoint()
    {
        var run = Path.Combine(Tmp(), "nan");
        // A learning rate of 1e4 blows the least-squares losses up at iteration 2 (seeded, so always there).
        var r = Run("train", "--model", "lsgan", "--epochs", "2", "--batch-size", "1000", "--lr", "1e4", "--out", run, "--sample-every", "0",
            "--checkpoint-every", "1");
        OneLineFailure(r, "training diverged at iteration");
        Assert.Matches("the (D|G) loss is (NaN|∞|-∞|Infinity)", r.Err);
        var kept = Directory.GetFiles(Path.Combine(run, "checkpoints"), "iter-*.safetensors");
        Assert.NotEmpty(kept);
        Assert.All(kept, f => Scratch.Gan.Training.RunFolder.ReadConfig(f));   // every checkpoint left is whole
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_model_and_traverse_draws_infogan_codes()
    {
        var dir = Tmp();
        var info = new Scratch.Gan.Models.GanModel(Scratch.Gan.Models.Zoo.Defaults(Scratch.Gan.Models.ModelKind.InfoGan), Scratch.Tensors.Device.Cpu);
        var ckpt = Path.Combine(dir, "info.safetensors");
        Scratch.Gan.Training.RunFolder.SaveCheckpoint(ckpt, info, new(0, 0, 0, 0, double.NaN, double.NaN));
        var r = Run("traverse", "--checkpoint", ckpt, "--out", Path.Combine(dir, "t"), "--columns", "5");
        Assert.True(r.Code == 0, r.Err);
        foreach (var f in new[] { "categorical.png", "continuous-1.png", "continuous-2.png" })
        {
            var (_, w, h) = Scratch.Gan.Images.ImageFile.ReadRgb(Path.Combine(dir, "t", f));
            Assert.Equal((5 * 30 + 2, 10 * 30 + 2), (w, h));   // 10 category rows, 5 columns
        }

        var run = Path.Combine(dir, "run");
        Assert.Equal(0, Run("train", "--model", "vanilla", "--epochs", "1", "--batch-size", "2000", "--out", run, "--sample-every", "0").Code);
        File.Copy(ckpt, Path.Combine(run, "checkpoints", "latest.safetensors"), overwrite: true);
        OneLineFailure(Run("train", "--resume", run, "--epochs", "2"), "is a checkpoint of model infogan, not vanilla");
    }

    [Fact]
    public void Bench_prints_one_json_line()
    {
        var r = Run("bench", "gemm", "--iters", "2", "--warmup", "0");
        Assert.Equal(0, r.Code);
        var line = Assert.Single(r.Out.Trim().Split('\n'));
        var j = JsonDocument.Parse(line).RootElement;
        Assert.Equal("gemm", j.GetProperty("workload").GetString());
        Assert.Equal("scratch", j.GetProperty("engine").GetString());
        Assert.Equal("cpu", j.GetProperty("device").GetString());
        Assert.True(j.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(j.GetProperty("min_ms").GetDouble() <= j.GetProperty("median_ms").GetDouble());
        Assert.Equal(2, j.GetProperty("iters").GetInt32());
    }

    [Fact]
    public void Bench_times_an_infogan_step_at_its_own_defaults()
    {
        // InfoGAN has no peer workload: one step of its own model (G, and D with its Q head).
        var r = Run("bench", "infogan-step", "--iters", "1", "--warmup", "0", "--batch", "4");
        Assert.Equal(0, r.Code);
        var j = JsonDocument.Parse(Assert.Single(r.Out.Trim().Split('\n'))).RootElement;
        Assert.Equal("infogan-step", j.GetProperty("workload").GetString());
        Assert.True(j.GetProperty("median_ms").GetDouble() > 0);
    }

    [Fact]
    public void Devices_lists_every_backend_with_a_reason_when_unavailable()
    {
        var r = Run("devices");
        Assert.Equal(0, r.Code);
        foreach (var d in new[] { "cpu", "cuda", "opencl", "ilgpu-cpu", "ilgpu-cpu-nvidia" }) Assert.Contains(d, r.Out);
        Assert.Contains("auto", r.Out);
    }
}
