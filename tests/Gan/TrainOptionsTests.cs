using System.CommandLine;
using Scratch.Gan;
using Scratch.Gan.Cli;
using Scratch.Gan.Models;
using Scratch.Gan.Sweeps;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>Each setting of a run is declared once, in TrainOptions; train's options, config.json and the sweep grid are made from it.</summary>
public class TrainOptionsTests
{
    [Fact]
    public void Every_setting_of_a_config_is_declared_once_and_config_json_writes_exactly_those()
    {
        var names = TrainOptions.All.Select(o => o.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        var properties = typeof(GanConfig).GetProperties().Select(p => p.Name).Where(p => p != nameof(GanConfig.ScratchVersion)).Order();
        // batch-size: BatchSize
        static string Pascal(string name) => string.Concat(name.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        var declared = TrainOptions.All.Where(o => o.InConfig).Select(o => Pascal(o.Name));
        Assert.Equal(properties, declared.Order());
        var json = System.Text.Json.Nodes.JsonNode.Parse(Zoo.Defaults(ModelKind.WganGp).ToJson())!.AsObject();
        var keys = TrainOptions.All.Select(o => o.ConfigKey).OfType<string>();
        Assert.Equal(keys.Prepend("version").Append("scratch_version"), json.Select(kv => kv.Key));
    }

    [Fact]
    public void Train_offers_each_command_line_setting_and_the_grid_the_sweepable_ones()
    {
        var train = ScratchCli.Root.Subcommands.Single(c => c.Name == "train");
        var settings = TrainOptions.All.Where(o => o.OnCommandLine).Select(o => "--" + o.Name);
        Assert.Equal(settings.Concat(["--out", "--resume", "--minutes", "--iterations", "--watch", "--watch-port", "--stop-after", "--eval-real"]),
            train.Options.Select(o => o.Name));
        Assert.Equal(["loss", "batch-size", "lr", "lr-d", "lr-g", "beta1", "beta2", "n-critic", "info-lambda-cat", "info-lambda-con", "info-max",
            "info-max-augment", "info-max-vat", "info-max-until", "clip",
            "gp-lambda", "noise-dim", "noise", "optimizer", "seed"], SweepGrid.Options);
        var point = SweepGrid.Parse("lr=1e-4 noise=normal")[0];
        Assert.Equal(["--lr", "1e-4", "--noise", "normal"], point.TrainArgs);
        Assert.Throws<UsageException>(() => SweepGrid.Parse("noise=gaussian"));   // checked by the setting's own parser
        Assert.Throws<UsageException>(() => SweepGrid.Parse("batch-size=0"));
    }

    [Fact]
    public void Lr_sets_both_rates_and_each_rate_given_wins_and_a_setting_of_another_model_is_refused()
    {
        var given = new Dictionary<TrainOption, string> { [TrainOptions.Lr] = "0.5", [TrainOptions.LrG] = "0.25", [TrainOptions.Model] = "wgan" };
        var c = TrainOptions.FromGiven(given);
        Assert.Equal((0.5, 0.25, 5), (c.LrD, c.LrG, c.NCritic));   // and the rest is wgan's
        var hw6 = new Dictionary<TrainOption, string> { [TrainOptions.Model] = "wgan", [TrainOptions.ImageSize] = "64" };
        Assert.Equal(Zoo.Defaults(ModelKind.Wgan, 64), TrainOptions.FromGiven(hw6));
        var infoForDcgan = new Dictionary<TrainOption, string> { [TrainOptions.InfoTrains] = "both" };
        var e = Assert.Throws<ArgumentException>(() => TrainOptions.FromGiven(infoForDcgan));
        Assert.Equal("--info-trains is for --model infogan only; model dcgan does not use it", e.Message);
    }
}
