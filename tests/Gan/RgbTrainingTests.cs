using System.Text.Json;
using Scratch.Gan.Images;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// The 64×64 NTU HW6 models trained from a folder of colour pictures through the CLI. Each run is
/// 8 pictures at batch 4 (two iterations an epoch), so the three models take seconds on the CPU.
/// </summary>
[Collection("serial")]
public class RgbTrainingTests
{
    static bool HasColour(byte[] rgb) =>
        Enumerable.Range(0, rgb.Length / 3).Any(p => rgb[3 * p] != rgb[3 * p + 1] || rgb[3 * p + 1] != rgb[3 * p + 2]);

    [Theory]
    [InlineData("dcgan64")]
    [InlineData("wgan", "--image-size", "64")]
    [InlineData("wgan-gp", "--image-size", "64")]
    public void A_64px_model_trains_on_a_colour_folder_and_draws_colour_grids_gifs_and_samples(string model, params string[] extra)
    {
        var data = ImageFolderTests.ColourFolder(8);
        var run = Path.Combine(TempDirs.New().FullName, "run");
        var r = Run(["train", "--model", model, .. extra, "--data", data, "--epochs", "1", "--batch-size", "4", "--sample-every", "0", "--device",
            "cpu", "--out", run]);
        Assert.True(r.Code == 0, r.Err);
        var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))).RootElement;
        Assert.Equal((3, 64), (cfg.GetProperty("channels").GetInt32(), cfg.GetProperty("image_size").GetInt32()));
        var (grid, w, h) = ImageFile.ReadRgb(Path.Combine(run, "fixed", "epoch-001.png"));
        Assert.Equal((8 * 66 + 2, 8 * 66 + 2), (w, h));   // 64 fixed samples, 8 a row, 2-pixel borders
        Assert.True(HasColour(grid), "the epoch grid is grey");
        var gif = File.ReadAllBytes(Path.Combine(run, "fixed", "progress.gif"));
        Assert.Equal("GIF89a"u8.ToArray(), gif[..6]);

        var png = Path.Combine(run, "s.png");
        r = Run("sample", "--checkpoint", Path.Combine(run, "checkpoints", "latest.safetensors"), "--n", "4", "--device", "cpu", "--out", png);
        Assert.True(r.Code == 0, r.Err);
        var (s, sw, _) = ImageFile.ReadRgb(png);
        Assert.Equal(2 * 66 + 2, sw);
        Assert.True(HasColour(s), "samples are grey");
    }

    [Fact]
    public void An_image_folder_run_resumes_to_the_same_metrics_as_an_uninterrupted_one()
    {
        var data = ImageFolderTests.ColourFolder(8);
        // One epoch of four iterations, stopped after the second: the data comes back from the cache.
        string[] Args(string dir) => ["train", "--model", "dcgan64", "--data", data, "--epochs", "1", "--batch-size", "2", "--sample-every", "0",
            "--device", "cpu", "--seed", "3", "--out", dir];
        var whole = Path.Combine(TempDirs.New().FullName, "whole");
        Assert.Equal(0, Run(Args(whole)).Code);
        var parts = Path.Combine(TempDirs.New().FullName, "parts");
        Assert.Equal(0, Run([.. Args(parts), "--stop-after", "2"]).Code);
        var r = Run("train", "--resume", parts);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(parts, "metrics.csv")).Length);
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "metrics.csv")), File.ReadAllLines(Path.Combine(parts, "metrics.csv")));
        OneLineFailure(Run("train", "--resume", parts, "--channels", "1"), "--channels cannot be changed when resuming");
    }

    [Fact]
    public void Colour_is_refused_by_the_grey_only_models_with_the_way_out()
    {
        OneLineFailure(Run("train", "--model", "dcgan", "--channels", "3", "--out", TempDirs.Fresh("never-")),
            "makes grey images only; for colour use dcgan64");
        OneLineFailure(Run("train", "--model", "dcgan64", "--channels", "2", "--out", TempDirs.Fresh("never-")),
            "--channels: 1 (grey) or 3 (RGB) (got 2)");
        OneLineFailure(Run("train", "--model", "wgan", "--image-size", "32", "--out", TempDirs.Fresh("never-")), "makes 28×28 or 64×64 images");
    }
}
