using System.Text.Json;
using Scratch.Gan;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Eval;

/// <summary>`classifier`, `eval`, `train --eval-every` and `sweep` as a user meets them, at tiny sizes.</summary>
[Collection("serial")]
public class EvalCliTests
{
    // The in-process runner and the one-line-failure check every CLI test uses.
    static (int Code, string Out, string Err) Run(params string[] args) => Gan.CliTests.Run(args);
    static void OneLineFailure((int Code, string Out, string Err) r, string expect) => Gan.CliTests.OneLineFailure(r, expect);
    static string Tmp() => TempDirs.New().FullName;

    /// <summary>An untrained model's checkpoint: enough to exercise every step of eval.</summary>
    static string Checkpoint(string dir, string model)
    {
        var path = Path.Combine(dir, model + ".safetensors");
        RunFolder.SaveCheckpoint(path, new GanModel(Zoo.Defaults(Setting.Parse<ModelKind>(model)), Device.Cpu),
            new(0, 0, 0, 0, double.NaN, double.NaN));
        return path;
    }

    /// <summary>
    /// A folder with the first 300 embedded digits as IDX files: training, evaluating and sweeping on it
    /// takes a fraction of a second per step, which keeps these tests quick on a shared 2-core machine.
    /// </summary>
    internal static string TinyData()
    {
        var dir = Tmp();
        var m = Scratch.Gan.Data.ImageSet.Embedded();
        const int n = 300;
        Scratch.Gan.Data.Idx.WriteImages(Path.Combine(dir, "train-images-idx3-ubyte"), n, 28, 28, m.Pixels[..(n * 784)]);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, n >> 8, n & 255, .. m.Labels[..n]]);
        return dir;
    }

    static readonly string[] Tiny = ["--n", "60", "--real", "200", "--kid-subsets", "3", "--device", "cpu"];

    [Fact]
    public void Eval_prints_a_table_with_the_protocol_and_one_json_object_with_json()
    {
        var ckpt = Checkpoint(Tmp(), "vanilla");
        var table = Run(["eval", "--checkpoint", ckpt, .. Tiny]);
        Assert.True(table.Code == 0, table.Err);
        foreach (var s in new[] { "protocol: n = 60", "inception score", "Frechet distance", "KID", "precision (k=3)", "real held-out (n=200)",
                 "classes covered" })
            Assert.Contains(s, table.Out);

        var r = Run(["eval", "--checkpoint", ckpt, "--json", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        var j = JsonDocument.Parse(Assert.Single(r.Out.Trim().Split('\n'))).RootElement;
        var gen = j.GetProperty("generated");
        Assert.Equal(60, gen.GetProperty("n").GetInt32());
        Assert.InRange(gen.GetProperty("inception_score").GetDouble(), 1, 10);
        Assert.Equal(60, gen.GetProperty("class_histogram").EnumerateArray().Sum(c => c.GetInt32()));
        // Real held-out digits, judged by the shipped classifier, are confident and cover every class.
        var real = j.GetProperty("reference");
        Assert.Equal(10, real.GetProperty("classes_covered").GetInt32());
        Assert.True(real.GetProperty("inception_score").GetDouble() > 7);
        Assert.True(real.GetProperty("frechet").GetDouble() < gen.GetProperty("frechet").GetDouble(),
            "an untrained G should be further from real digits than real digits are");
        Assert.Equal(JsonValueKind.Null, j.GetProperty("codes").ValueKind);
    }

    [Fact]
    public void Eval_of_an_infogan_checkpoint_reports_the_code_accuracy()
    {
        var r = Run(["eval", "--checkpoint", Checkpoint(Tmp(), "infogan"), "--json", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        var codes = JsonDocument.Parse(r.Out).RootElement.GetProperty("codes");
        Assert.InRange(codes.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.Equal(Enumerable.Range(0, 10), codes.GetProperty("digit_of_code").EnumerateArray().Select(d => d.GetInt32()).Order());
        // Q on real digits: every held-out digit of the protocol's reference row, its categories matched one to one to labels.
        Assert.InRange(codes.GetProperty("q_real_accuracy").GetDouble(), 0, 1);
        Assert.Equal(JsonDocument.Parse(r.Out).RootElement.GetProperty("reference").GetProperty("n").GetInt32(),
            codes.GetProperty("q_real_count").GetInt32());
        Assert.Equal(Enumerable.Range(0, 10), codes.GetProperty("q_real_digit_of_code").EnumerateArray().Select(d => d.GetInt32()).Order());
        Assert.InRange(codes.GetProperty("q_real_information").GetDouble(), -1e-9, Math.Log(10) + 1e-9);
        Assert.InRange(codes.GetProperty("q_real_largest_share").GetDouble(), 0.1, 1);
        var confusion = codes.GetProperty("q_real_confusion").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(codes.GetProperty("q_real_count").GetInt32(), confusion.Sum(row => row.Sum()));
        var continuous = codes.GetProperty("continuous").EnumerateArray().ToList();
        Assert.Equal([1, 2], continuous.Select(c => c.GetProperty("code").GetInt32()));
        Assert.All(continuous, c => Assert.Contains(c.GetProperty("statistic").GetString(), Scratch.Gan.Evaluation.ContinuousCodes.Statistics));
    }

    [Fact]
    public void Bad_eval_input_fails_with_one_line()
    {
        var dir = Tmp();
        OneLineFailure(Run("eval"), "--checkpoint is required");
        OneLineFailure(Run("eval", "--checkpoint", Path.Combine(dir, "missing.safetensors")), "does not exist");
        var corrupt = Path.Combine(dir, "corrupt.safetensors");
        File.WriteAllBytes(corrupt, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x']);
        OneLineFailure(Run("eval", "--checkpoint", corrupt), "is not a valid checkpoint");
        var ckpt = Checkpoint(dir, "vanilla");
        OneLineFailure(Run("eval", "--checkpoint", ckpt, "--n", "5"), "--n: must be at least 10");
        OneLineFailure(Run("eval", "--checkpoint", ckpt, "--classifier", Path.Combine(dir, "nope.safetensors")), "--classifier");
        OneLineFailure(Run("eval", "--checkpoint", ckpt, "--classifier", ckpt, "--n", "10"), "not a Scratch MNIST classifier");
        OneLineFailure(Run("classifier", "fit"), "unknown subcommand 'fit'");
        OneLineFailure(Run("sweep", "--grid", "colour=red,blue"), "cannot be swept");
        OneLineFailure(Run("sweep", "--grid", "lr=fast"), "is not a number");
        OneLineFailure(Run("sweep", "--aggregate", dir), "no finished sweep points");
        var point = Directory.CreateDirectory(Path.Combine(dir, "lr=1")).FullName;
        File.WriteAllText(Path.Combine(point, "config.json"), Zoo.Defaults(ModelKind.Dcgan).ToJson());
        File.WriteAllText(Path.Combine(point, "eval.json"), "{ not json");
        OneLineFailure(Run("sweep", "--aggregate", dir), "is not an evaluation written by scratch eval");
    }

    [Fact]
    public void Classifier_train_writes_weights_that_eval_accepts()
    {
        var dir = Tmp();
        var weights = Path.Combine(dir, "c.safetensors");
        var r = Run("classifier", "train", "--epochs", "1", "--data", TinyData(), "--out", weights, "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("held-out accuracy", r.Out);
        var e = Run(["eval", "--checkpoint", Checkpoint(dir, "vanilla"), "--classifier", weights, .. Tiny]);
        Assert.True(e.Code == 0, e.Err);
        Assert.Contains(weights, e.Out);
    }

    [Fact]
    public void Train_with_eval_every_adds_metric_columns_and_a_diverging_run_leaves_a_warning()
    {
        var run = Path.Combine(Tmp(), "run");
        var r = Run("train", "--model", "vanilla", "--epochs", "1", "--batch-size", "60", "--out", run, "--sample-every", "0", "--data", TinyData(),
            "--eval-every", "1", "--eval-n", "40", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.EndsWith(",is,fd,kid,precision,recall,classes_covered,hist_kl", lines[0]);
        Assert.Equal(6, lines.Length);   // header + 300 images / 60 per batch
        Assert.EndsWith(",,,,,,,", lines[1]);                      // not evaluated mid-epoch
        var last = lines[^1].Split(',');
        double inception = double.Parse(last[Array.IndexOf(lines[0].Split(','), "is")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(inception, 1, 10);   // IS at the epoch's end
        // The event file has the same number under eval/is, at the same iteration.
        var events = Scratch.Gan.Training.Events.EventFileReader.ReadAll(Assert.Single(Scratch.Gan.Training.Events.EventFileReader.FilesIn(run)));
        var evalIs = Assert.Single(events, e => e.Tag == "eval/is");
        Assert.Equal(5L, evalIs.Step);
        Assert.Equal(inception, evalIs.Scalar, 4);   // stored as float32
        Assert.True(File.Exists(Path.Combine(run, "curves.png")));
        Assert.Single(File.ReadAllLines(Path.Combine(run, "epoch_times.csv")));

        var bad = Path.Combine(Tmp(), "nan");
        var d = Run("train", "--model", "lsgan", "--epochs", "2", "--batch-size", "100", "--lr", "1e4", "--out", bad, "--sample-every", "0", "--data",
            TinyData(), "--device", "cpu");
        Assert.NotEqual(0, d.Code);
        var warning = Assert.Single(File.ReadAllLines(Path.Combine(bad, "warnings.txt")));
        Assert.Contains("\tnon-finite\t", warning);
        Assert.Contains("warning at iteration", d.Out);
    }

    [Fact]
    public void Sweep_trains_evaluates_and_tabulates_each_point_then_skips_them_when_run_again()
    {
        var dir = Path.Combine(Tmp(), "sweep");
        string[] args = ["sweep", "--model", "vanilla", "--grid", "batch-size=50,100 noise-dim=8", "--epochs", "1", "--out", dir,
            "--n", "40", "--data", TinyData(), "--device", "cpu"];
        var r = Run(args);
        Assert.True(r.Code == 0, r.Err);
        foreach (var f in new[] { "sweep.md", "sweep.csv", "contact-sheet.png", "batch-size=50_noise-dim=8/eval.json",
                 "batch-size=100_noise-dim=8/fixed/epoch-001.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var csv = File.ReadAllLines(Path.Combine(dir, "sweep.csv"));
        Assert.Equal("batch-size,noise-dim,IS,FD,classes_covered,s/epoch,digits?", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.All(csv.Skip(1), row => Assert.Matches("^(50|100),8,[0-9.]+,[0-9.]+,[0-9]+,[0-9.]+,[OX]$", row));
        Assert.StartsWith("50,", csv[1]);   // grid order, numbers by value (not "100" < "50")
        Assert.Contains("digits? — O when", File.ReadAllText(Path.Combine(dir, "sweep.md")));

        var again = Run(args);
        Assert.Equal(0, again.Code);
        Assert.Equal(2, again.Out.Split('\n').Count(l => l.Contains("done already, skipped")));

        Assert.Equal(0, Run("sweep", "--aggregate", dir).Code);
        var slurm = Run("sweep", "--model", "dcgan", "--grid", "lr=1e-4,2e-4 batch-size=64", "--epochs", "3", "--emit", "slurm", "--out",
            Path.Combine(dir, "s"));
        Assert.True(slurm.Code == 0, slurm.Err);
        var script = File.ReadAllText(Path.Combine(dir, "s", "sweep.slurm"));
        Assert.Contains("#SBATCH --array=0-1", script);
        Assert.Contains("'lr=2e-4_batch-size=64'", script);
        Assert.Contains("scratch sweep --aggregate", slurm.Out);
    }

    [Fact]
    public void Slurm_script_asks_for_what_fits_a_small_node_unless_told_more()
    {
        var dir = Path.Combine(Tmp(), "slurm");
        string[] emit = ["sweep", "--model", "vanilla", "--grid", "seed=1,2", "--epochs", "1", "--emit", "slurm"];
        var plain = Run([.. emit, "--out", Path.Combine(dir, "a")]);
        Assert.True(plain.Code == 0, plain.Err);
        var script = File.ReadAllText(Path.Combine(dir, "a", "sweep.slurm"));
        // One CPU: a task asking for more CPUs than any node has stays pending for ever (PartitionConfig).
        Assert.Contains("#SBATCH --cpus-per-task=1\n", script.ReplaceLineEndings("\n"));
        Assert.Contains("#SBATCH --time=02:00:00\n", script.ReplaceLineEndings("\n"));

        var big = Run([.. emit, "--out", Path.Combine(dir, "b"), "--cpus-per-task", "8", "--time", "1-12:00:00"]);
        Assert.True(big.Code == 0, big.Err);
        var bigScript = File.ReadAllText(Path.Combine(dir, "b", "sweep.slurm"));
        Assert.Contains("#SBATCH --cpus-per-task=8\n", bigScript.ReplaceLineEndings("\n"));
        Assert.Contains("#SBATCH --time=1-12:00:00\n", bigScript.ReplaceLineEndings("\n"));
        Assert.Single(bigScript.Split('\n'), l => l.StartsWith("#SBATCH --cpus-per-task"));

        var help = Run("sweep", "--help").Out;
        Assert.Matches(@"--cpus-per-task <N>.*\[default: 1\]", help.ReplaceLineEndings(" "));
        Assert.Matches(@"--time <TIME>.*\[default: 02:00:00\]", help.ReplaceLineEndings(" "));
    }

    [Theory]
    [InlineData("45", true)]
    [InlineData("30:00", true)]
    [InlineData("2:00:00", true)]
    [InlineData("1-12", true)]
    [InlineData("1-12:30:00", true)]
    [InlineData("two hours", false)]
    [InlineData("1:00:00\n#SBATCH --mem=1T", false)]
    [InlineData("", false)]
    [InlineData("45\n", false)]
    [InlineData("1:2:3:4", false)]
    public void Slurm_times_are_checked_before_they_reach_the_script(string time, bool ok) =>
        Assert.Equal(ok, Scratch.Gan.Sweeps.SlurmScript.IsSlurmTime(time));

    [Fact]
    public void Slurm_resources_without_emit_slurm_or_a_bad_time_are_one_line_errors()
    {
        var dir = Path.Combine(Tmp(), "slurm-bad");
        string[] sweep = ["sweep", "--model", "vanilla", "--grid", "seed=1,2", "--out", dir];
        OneLineFailure(Run([.. sweep, "--cpus-per-task", "2"]), "--cpus-per-task is for the Slurm script: add --emit slurm");
        OneLineFailure(Run([.. sweep, "--emit", "slurm", "--time", "soon"]), "--time: 'soon' is not a Slurm time");
        OneLineFailure(Run([.. sweep, "--emit", "slurm", "--cpus-per-task", "0"]), "--cpus-per-task: must be at least 1");
        Assert.False(File.Exists(Path.Combine(dir, "sweep.slurm")));
    }
}
