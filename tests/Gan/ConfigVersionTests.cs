using System.Text.Json.Nodes;
using Scratch.Gan.Models;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// config.json's format version: files written before it (version 1, tests/Gan/Fixtures, exactly as 46b71ac wrote
/// them) upgrade to version 2 with what their runs trained with said explicitly, and such a run resumes exactly.
/// </summary>
[Collection("serial")]
public class ConfigVersionTests
{
    /// <summary>The text of a file in tests/Gan/Fixtures.</summary>
    internal static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln")))
                return File.ReadAllText(Path.Combine(dir.FullName, "tests", "Gan", "Fixtures", name));
        throw new FileNotFoundException($"tests/Gan/Fixtures/{name} (no Scratch.sln above the test's folder)");
    }

    /// <summary>The fixture's text without the lines holding these keys, as a config.json written before they existed.</summary>
    static string Without(string json, params string[] keys) =>
        string.Join("\n", json.ReplaceLineEndings("\n").Split('\n').Where(line => !keys.Any(k => line.TrimStart().StartsWith($"\"{k}\":"))));

    [Theory]
    [InlineData("config-v1-infogan.json")]
    [InlineData("config-v1-wgan-gp.json")]
    public void A_version_1_config_upgrades_to_version_2_with_every_setting_said_and_the_same_values(string fixture)
    {
        var v1 = JsonNode.Parse(Fixture(fixture))!.AsObject();
        Assert.Equal(1, ConfigUpgrade.VersionOf(v1));
        var v2 = ConfigUpgrade.V1ToV2(v1);
        Assert.Equal(2, ConfigUpgrade.VersionOf(v2));
        Assert.Equal("0.1.0", (string?)v2["scratch_version"]);
        foreach (var (key, value) in v1.Where(kv => kv.Key != "version"))
            Assert.True(JsonNode.DeepEquals(value, v2[key]), $"{key} changed in the upgrade");
        var c = GanConfig.FromJson(Fixture(fixture));
        foreach (var key in TrainOptions.All.Select(o => o.ConfigKey).OfType<string>())
            Assert.True(v2.ContainsKey(key), $"the upgrade leaves {key} unsaid");
        Assert.Equal((5UL, "cpu", "0.1.0"), (c.Seed, c.Device, c.ScratchVersion));
        Assert.Contains("\"version\": 2", c.ToJson());
        Assert.Equal(c, GanConfig.FromJson(c.ToJson()));
    }

    [Fact]
    public void A_key_missing_from_version_1_means_what_its_runs_trained_with_and_from_version_2_on_the_models_default()
    {
        // InfoGAN's information term: runs before these keys trained g-and-q, learnt variance, leak 0.1; infogan's defaults are openai/InfoGAN's.
        var v1 = Without(Fixture("config-v1-infogan.json"), "info_trains", "info_continuous", "info_leak");
        var old = GanConfig.FromJson(v1);
        Assert.Equal((InfoTraining.GAndQ, InfoContinuous.LearntVariance, 0.1), (old.InfoTrains, old.InfoContinuous, old.InfoLeak));
        Assert.Contains("\"info_continuous\": \"learnt-variance\"", old.ToJson());   // said from now on: its resume keeps it
        var v2 = Without(Zoo.Defaults(ModelKind.InfoGan).ToJson(), "info_trains", "info_continuous", "info_leak");
        var now = GanConfig.FromJson(v2);
        Assert.Equal((InfoTraining.Both, InfoContinuous.UnitVariance, 0.01), (now.InfoTrains, now.InfoContinuous, now.InfoLeak));
        Assert.Equal(Zoo.Defaults(ModelKind.InfoGan), now);
        // The wgan-gp-mnist networks: width 64 (gan_mnist.py's DIM) before it was a setting, 16 (wgan-gp's default) now.
        Assert.Equal(64, GanConfig.FromJson(Without(Fixture("config-v1-wgan-gp.json"), "width")).Width);
        Assert.Equal(16, GanConfig.FromJson(Without(Zoo.Defaults(ModelKind.WganGp).ToJson(), "width")).Width);
    }

    [Fact]
    public void A_config_of_an_unknown_version_is_refused_in_one_line_that_names_the_file()
    {
        var json = Zoo.Defaults(ModelKind.Dcgan).ToJson().Replace("\"version\": 2", "\"version\": 3");
        var e = Assert.Throws<InvalidDataException>(() => GanConfig.FromJson(json, "run/config.json"));
        Assert.StartsWith("run/config.json: config version 3 is not one this Scratch reads", e.Message);
    }

    [Fact]
    public void A_run_whose_config_json_is_version_1_resumes_exactly_as_it_would_have_trained()
    {
        // The command that wrote the fixture (tests/Gan/Fixtures/README.md), stopped after a few iterations.
        string[] Args(string dir, int stopAfter) => ["train", "--model", "infogan", "--batch-size", "16", "--epochs", "1", "--seed", "5",
            "--sample-every", "0", "--device", "cpu", "--out", dir, "--stop-after", stopAfter.ToString()];
        var whole = Path.Combine(TempDirs.New().FullName, "whole");
        Assert.Equal(0, Run(Args(whole, 4)).Code);
        var parts = Path.Combine(TempDirs.New().FullName, "parts");
        Assert.Equal(0, Run(Args(parts, 2)).Code);
        var config = Path.Combine(parts, "config.json");
        var v1 = Fixture("config-v1-infogan.json");
        Assert.Equal(GanConfig.FromJson(File.ReadAllText(config)), GanConfig.FromJson(v1));   // the same settings, in the old format
        File.WriteAllText(config, v1);
        var r = Run("train", "--resume", parts, "--stop-after", "4");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "metrics.csv")), File.ReadAllLines(Path.Combine(parts, "metrics.csv")));
        Assert.Equal(v1, File.ReadAllText(config));   // resuming reads config.json, never rewrites it
    }
}
