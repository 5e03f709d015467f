using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// Every verb with malformed files and values: each must fail with one line on stderr that says
/// what is wrong (and where), a nonzero exit, no stack trace, and nothing good overwritten.
/// Checkpoints here are written straight from small models, so no test has to train first.
/// </summary>
[Collection("serial")]
public class BadInputTests
{
    static string Tmp() => TempDirs.New().FullName;

    /// <summary>A run folder as training leaves it: config.json and checkpoints/latest.safetensors, for a vanilla GAN.</summary>
    static (string Dir, string Checkpoint) FakeRun(GanConfig? config = null)
    {
        var dir = Tmp();
        var gan = new GanModel(config ?? Zoo.Defaults(ModelKind.Vanilla), Device.Cpu);
        File.WriteAllText(Path.Combine(dir, "config.json"), gan.Config.ToJson());
        var ckpt = Path.Combine(dir, "checkpoints", "latest.safetensors");
        RunFolder.SaveCheckpoint(ckpt, gan, new(5, 0, 5, 0, double.NaN, double.NaN));
        return (dir, ckpt);
    }

    [Fact]
    public void Resume_with_a_corrupt_or_invalid_config_names_the_file()
    {
        var (dir, _) = FakeRun();
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, "{ \"model\": \"vanilla\", \"epochs\": 5,");   // cut off mid-write
        OneLineFailure(Run("train", "--resume", dir), $"{config}: not a valid Scratch run config");
        File.WriteAllText(config, "{ \"model\": \"vanilla\", \"epochs\": \"five\" }");
        OneLineFailure(Run("train", "--resume", dir), $"{config}: not a valid Scratch run config");
        File.WriteAllText(config, "{ \"model\": \"stylegan\" }");
        OneLineFailure(Run("train", "--resume", dir), $"{config}: unknown model 'stylegan'");
        File.WriteAllText(config, "null");
        OneLineFailure(Run("train", "--resume", dir), $"{config}: empty");
        OneLineFailure(Run("train", "--resume", config), "is a file; pass the run folder");
    }

    [Fact]
    public void Resume_with_a_truncated_mismatched_or_incomplete_checkpoint_names_it_and_keeps_the_metrics()
    {
        var (dir, ckpt) = FakeRun();
        var metrics = Path.Combine(dir, "metrics.csv");
        File.WriteAllText(metrics, RunFolder.MetricsHeader + "\n1,1,0.5,0.5,,\n");
        var whole = File.ReadAllBytes(ckpt);
        File.WriteAllBytes(ckpt, whole[..(whole.Length / 2)]);
        OneLineFailure(Run("train", "--resume", dir), $"'{ckpt}' is not a valid checkpoint");

        // Same model, other shapes: a checkpoint of a vanilla GAN with 50 noise dimensions, config saying 96.
        var other = new GanModel(Zoo.Defaults(ModelKind.Vanilla) with { NoiseDim = 50 }, Device.Cpu);
        RunFolder.SaveCheckpoint(ckpt, other, new(5, 0, 5, 0, double.NaN, double.NaN));
        OneLineFailure(Run("train", "--resume", dir), $"'{ckpt}' does not fit this vanilla model: tensor 'G.0.weight'");

        // Ours in form, but its progress counters are missing.
        SafeTensors.Save(ckpt, other.G.StateDict().Select(t => ("G." + t.Name, t.Tensor.Data)),
            new Dictionary<string, string> { ["format"] = "scratch-gan-checkpoint", ["model"] = "vanilla", ["config"] = other.Config.ToJson() });
        OneLineFailure(Run("train", "--resume", dir), $"'{ckpt}'");
        Assert.Equal(2, File.ReadAllLines(metrics).Length);   // the failed resumes rewrote nothing
    }

    [Fact]
    public void Sample_given_the_folder_of_runs_suggests_the_newest_runs_checkpoint()
    {
        var (dir, ckpt) = FakeRun();
        var runs = Directory.GetParent(dir)!.CreateSubdirectory("scratch-runs-" + Guid.NewGuid().ToString("N")).FullName;
        try
        {
            OneLineFailure(Run("sample", "--checkpoint", runs),
                $"'{runs}' is a folder; pass a checkpoint file (RUN/checkpoints/latest.safetensors; no run folder is in it)");
            var moved = Path.Combine(runs, "dcgan-1");
            Directory.Move(dir, moved);
            OneLineFailure(Run("sample", "--checkpoint", runs),
                $"(the newest run in it: {Path.Combine(moved, "checkpoints", "latest.safetensors")})");
        }
        finally { Directory.Delete(runs, true); }
    }

    [Fact]
    public void Sample_refuses_folders_bad_checkpoints_and_bad_numbers_and_keeps_an_existing_picture()
    {
        var (dir, ckpt) = FakeRun();
        var outDir = Path.Combine(dir, "pictures");
        Directory.CreateDirectory(outDir);
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--out", outDir),
            $"--out: '{outDir}' is a folder; give a file name (for example {Path.Combine(outDir, "samples.png")})");
        OneLineFailure(Run("interpolate", "--checkpoint", ckpt, "--out", outDir), $"'{outDir}' is a folder; give a file name");
        OneLineFailure(Run("sample", "--checkpoint", dir), $"is a folder; pass a checkpoint file (for a run folder: {ckpt})");
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--n", "-3"), "--n: must be at least 1");
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--n", "lots"), "--n: 'lots' is not a whole number");
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--n", "100000"), "use --format idx for more");
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--format", "jpeg"), "--format: unknown value 'jpeg'");
        OneLineFailure(Run("interpolate", "--checkpoint", ckpt, "--steps", "1"), "--steps: must be at least 2");
        OneLineFailure(Run("interpolate", "--checkpoint", ckpt, "--pairs", "1000", "--steps", "100"), "more than the 4096 pictures");

        var good = Path.Combine(dir, "good.png");
        Assert.Equal(0, Run("sample", "--checkpoint", ckpt, "--n", "4", "--out", good).Code);
        var before = File.ReadAllBytes(good);
        var bad = Path.Combine(dir, "bad.safetensors");
        File.WriteAllBytes(bad, File.ReadAllBytes(ckpt)[..1000]);
        OneLineFailure(Run("sample", "--checkpoint", bad, "--out", good), $"'{bad}' is not a valid checkpoint");
        // A checkpoint whose embedded config is not JSON.
        SafeTensors.Save(bad, [],
            new Dictionary<string, string> { ["format"] = "scratch-gan-checkpoint", ["model"] = "vanilla", ["config"] = "{oops" });
        OneLineFailure(Run("sample", "--checkpoint", bad, "--out", good), $"'{bad}' (the config in its metadata): not a valid Scratch run config");
        Assert.Equal(before, File.ReadAllBytes(good));

        // Unwritable: the parent "folder" is a file (permission bits would not stop root).
        OneLineFailure(Run("sample", "--checkpoint", ckpt, "--n", "4", "--out", Path.Combine(good, "x.png")),
            $"cannot write '{Path.Combine(good, "x.png")}'");
    }

    [Fact]
    public void Train_refuses_bad_values_and_unusable_folders_and_leaves_nothing_behind()
    {
        var dir = Tmp();
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x");
        var run = Path.Combine(dir, "run");
        OneLineFailure(Run("train", "--image-size", "-3", "--out", run), "--image-size: must be at least 1");
        OneLineFailure(Run("train", "--image-size", "big", "--out", run), "--image-size: 'big' is not a whole number");
        OneLineFailure(Run("train", "--seed", "-1", "--out", run), "--seed: must be at least 0");
        OneLineFailure(Run("train", "--channels", "rgb", "--out", run), "--channels: 'rgb' is not a whole number");
        OneLineFailure(Run("train", "--clip", "0", "--out", run), "--clip: must be positive");
        OneLineFailure(Run("train", "--out", file), $"--out: '{file}' is a file; give a folder");
        OneLineFailure(Run("train", "--model", "vanilla", "--epochs", "1", "--out", Path.Combine(file, "run")),
            "--out: cannot create the run folder");
        OneLineFailure(Run("train", "--data", file, "--out", run),
            $"--data takes a folder (of IDX files or of .png/.jpg pictures); '{file}' is a file");
        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);
        OneLineFailure(Run("train", "--data", empty, "--out", run), "holds no IDX training files and no .png, .jpg or .jpeg pictures");
        var pics = ImageFolderTests.ColourFolder(3);
        File.WriteAllText(Path.Combine(pics, "x.jpg"), "not a jpeg");
        OneLineFailure(Run("train", "--model", "dcgan64", "--data", pics, "--out", run),
            $"{Path.Combine(pics, "x.jpg")}: not a readable PNG or JPEG");
        OneLineFailure(Run("train", "--model", "vanilla", "--batch-size", "20000", "--out", run),
            "--batch-size 20000 is larger than the data set (10000 images)");
        Assert.False(Directory.Exists(run), "a refused run left a folder behind");
    }

    [Fact]
    public void Traverse_bench_and_devices_refuse_bad_values_in_one_line()
    {
        var dir = Tmp();
        var info = new GanModel(Zoo.Defaults(ModelKind.InfoGan), Device.Cpu);
        var ckpt = Path.Combine(dir, "info.safetensors");
        RunFolder.SaveCheckpoint(ckpt, info, new(0, 0, 0, 0, double.NaN, double.NaN));
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x");
        OneLineFailure(Run("traverse", "--checkpoint", ckpt, "--out", file),
            $"--out: '{file}' is a file; traverse writes three pictures into a folder");
        OneLineFailure(Run("traverse", "--checkpoint", ckpt, "--columns", "1"), "--columns: must be at least 2");
        Assert.Equal("x", File.ReadAllText(file));
        OneLineFailure(Run("bench", "gemm", "--iters", "0"), "--iters: must be at least 1");
        OneLineFailure(Run("bench", "gemm", "--warmup", "some"), "--warmup: 'some' is not a whole number");
        OneLineFailure(Run("bench", "gemm", "--device", "tpu"), "--device:");
        OneLineFailure(Run("bench"), "bench: name a workload");
        OneLineFailure(Run("devices", "all"), "unexpected argument 'all'");
        OneLineFailure(Run("devices", "--verbose"), "unknown option '--verbose'");
    }
}
