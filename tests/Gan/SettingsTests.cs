using Scratch.Gan.Models;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>Settings are enums inside and names outside: config.json keeps the text form older runs wrote.</summary>
public class SettingsTests
{
    /// <summary>A config.json exactly as the code before typed settings wrote it (scratch train --model wgan-gp --batch-size 8).</summary>
    const string WrittenBeforeEnums = """
        {
          "model": "wgan-gp",
          "loss": "wgan-gp",
          "epochs": 1,
          "batch_size": 8,
          "lr_d": 0.0001,
          "lr_g": 0.0001,
          "beta1": 0.5,
          "beta2": 0.9,
          "n_critic": 5,
          "clip": 0.01,
          "gp_lambda": 10,
          "noise_dim": 96,
          "noise": "uniform",
          "image_size": 28,
          "channels": 1,
          "optimizer": "adam",
          "data": "embedded",
          "device": "cpu",
          "seed": 0,
          "sample_every": 250,
          "checkpoint_every": 1000,
          "eval_every": 0,
          "eval_n": 2000,
          "info_lambda_cat": 1,
          "info_lambda_con": 0.1,
          "version": "0.1.0"
        }
        """;

    [Fact]
    public void A_config_written_before_the_settings_were_typed_loads_and_is_written_back_with_the_same_names()
    {
        var c = GanConfig.FromJson(WrittenBeforeEnums);
        Assert.Equal((ModelKind.WganGp, LossKind.WassersteinGp, NoiseKind.Uniform, OptimizerKind.Adam), (c.Model, c.Loss, c.Noise, c.Optimizer));
        Assert.Equal((8, ArchitectureKind.Dcgan), (c.BatchSize, c.Architecture));   // before the wgan-gp-mnist networks: CS231n's
        // Written back at version 2: each line the old file had is still there, and the settings it left unsaid are said.
        var lines = c.ToJson().ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim().TrimEnd(',')).ToHashSet();
        foreach (var line in WrittenBeforeEnums.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim().TrimEnd(',')))
            if (line != "\"version\": \"0.1.0\"") Assert.Contains(line, lines);
        Assert.Contains("\"architecture\": \"dcgan\"", lines);
        Assert.Equal(c, GanConfig.FromJson(c.ToJson()));
    }

    [Fact]
    public void Every_setting_has_one_name_that_parses_back_to_it()
    {
        static void RoundTrip<T>() where T : struct, Enum
        {
            var names = Setting.Names<T>();
            Assert.Equal(Enum.GetValues<T>().Length, names.Distinct().Count());
            foreach (var v in Enum.GetValues<T>()) Assert.Equal(v, Setting.Parse<T>(Setting.Name(v)));
        }
        RoundTrip<ModelKind>(); RoundTrip<LossKind>(); RoundTrip<NoiseKind>(); RoundTrip<OptimizerKind>();
        Assert.Equal(["vanilla", "lsgan", "dcgan", "dcgan64", "wgan", "wgan-gp", "infogan"], Setting.Names<ModelKind>());
        Assert.Equal(["nonsaturating", "minimax", "lsgan", "wgan", "wgan-gp"], Setting.Names<LossKind>());
    }

    [Fact]
    public void An_unknown_name_is_one_line_that_names_the_file_and_the_choices()
    {
        var e = Assert.Throws<InvalidDataException>(
            () => GanConfig.FromJson(WrittenBeforeEnums.Replace("\"loss\": \"wgan-gp\"", "\"loss\": \"hinge\""), "run/config.json"));
        Assert.Equal("run/config.json: unknown loss 'hinge' (choose one of nonsaturating, minimax, lsgan, wgan, wgan-gp)", e.Message);
        Assert.Throws<ArgumentException>(() => Setting.Parse<ModelKind>("WganGp"));   // the C# name is not a setting's name
    }
}
