using Scratch.Gan.Evaluation;
using Scratch.Gan.Models;
using Scratch.Gan.Sweeps;
using Scratch.Gan.Training;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>The sweep table's "digits?" column, from evaluations with given scores (no training).</summary>
public class DigitsColumnTests
{
    static SetMetrics Scores(double inceptionScore, int classesCovered) =>
        new(2000, inceptionScore, new int[10], classesCovered, 0.1, 300, 200, 10, 0.5, 0.1);

    /// <summary>A finished sweep point: config.json and an eval.json holding these scores (and an InfoGAN's code accuracy, if given).</summary>
    static void Point(string sweep, string name, double inceptionScore, int classesCovered, double? codeAccuracy = null, double? qReal = null)
    {
        var run = new RunFolder(Path.Combine(sweep, name));
        Directory.CreateDirectory(run.Dir);
        var model = codeAccuracy == null ? ModelKind.Dcgan : ModelKind.InfoGan;
        File.WriteAllText(run.ConfigPath, (Zoo.Defaults(model) with { Epochs = 1 }).ToJson());
        var protocol = new EvalProtocol(2000, 1, 10000, 2000, 20, 100, 3, "classifier penultimate layer", "embedded", "embedded");
        var codes = codeAccuracy is { } a
            ? new CodeAccuracy(a, [.. Enumerable.Range(0, 10)], 200, [], qReal, [.. Enumerable.Range(0, 10)], 2000) : null;
        var report = new EvalReport(Path.Combine(run.Dir, "checkpoints", "latest.safetensors"), Setting.Name(model), 1, 78, protocol,
            Scores(inceptionScore, classesCovered), Scores(9.59, 10), codes);
        File.WriteAllText(Path.Combine(run.Dir, "eval.json"), report.ToJson());
    }

    [Fact]
    public void The_table_marks_O_only_where_the_inception_score_and_the_classes_covered_both_reach_the_rule()
    {
        var sweep = TempDirs.New("scratch-digits").FullName;
        try
        {
            Point(sweep, "lr=1", 5.04, 10);   // the one-epoch DCGAN whose digits could be read (docs/evaluation.md)
            Point(sweep, "lr=2", 5.0, 9);     // exactly on both bars
            Point(sweep, "lr=3", 4.7, 10);    // WGAN-GP's blobs after 10 epochs (issue #22)
            Point(sweep, "lr=4", 7.5, 8);     // confident, but two digits never drawn
            Point(sweep, "lr=5", 9.59, 10);   // what real held-out digits score
            SweepTable.Write(sweep, SweepTable.Read(sweep));

            var csv = File.ReadAllLines(Path.Combine(sweep, "sweep.csv"));
            Assert.Equal("lr,IS,FD,classes_covered,s/epoch,digits?", csv[0]);
            Assert.Equal(["O", "O", "X", "X", "O"], csv.Skip(1).Select(l => l.Split(',')[^1]));
            var md = File.ReadAllText(Path.Combine(sweep, "sweep.md"));
            Assert.Contains("digits? — O when Inception score ≥ 5 and classes covered ≥ 9 of 10, else X.", md);
            Assert.Contains("| 3 | 4.70 | 300.00 | 10 |  | X |", md);
        }
        finally { Directory.Delete(sweep, true); }
    }

    [Fact]
    public void An_infogan_sweep_also_tabulates_Q_on_real_digits_and_the_generated_code_accuracy()
    {
        var sweep = TempDirs.New("scratch-digits").FullName;
        try
        {
            Point(sweep, "info-lambda-con=0.1", 9.4, 10, 0.8133, 0.9512);
            Point(sweep, "info-lambda-con=1", 9.43, 10, 0.7);   // an eval.json from before Q on real digits was measured
            SweepTable.Write(sweep, SweepTable.Read(sweep));
            var csv = File.ReadAllLines(Path.Combine(sweep, "sweep.csv"));
            Assert.Equal("info-lambda-con,IS,FD,classes_covered,Q_on_real_digits,generated_code_accuracy,s/epoch,digits?", csv[0]);
            Assert.Equal(["0.951", ""], csv.Skip(1).Select(l => l.Split(',')[4]));
            Assert.Equal(["0.813", "0.700"], csv.Skip(1).Select(l => l.Split(',')[5]));
        }
        finally { Directory.Delete(sweep, true); }
    }

    [Theory]
    [InlineData(4.99, 10, false)]
    [InlineData(5.0, 8, false)]
    [InlineData(5.0, 9, true)]
    [InlineData(1.03, 1, false)]   // a collapsed vanilla GAN after one epoch
    public void The_rule_alone(double inceptionScore, int classesCovered, bool digits) =>
        Assert.Equal(digits, DigitsRule.Digits(inceptionScore, classesCovered));
}
