using System.Globalization;
using Scratch.Autograd;
using Scratch.Course;
using Scratch.Gan.Models;
using Scratch.Gan.Sweeps;
using Scratch.Layers;
using Scratch.Tensors;
using Scratch.Toy;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Course;

/// <summary>
/// The questions' numeric answers (questions/module-N.md), read from questions/answers/ID.txt and checked
/// against what the code computes, never against numbers written here. A wrong answer is told which entry
/// is wrong, not what it should be.
/// </summary>
public class QuestionTests
{
    /// <summary>
    /// The non-blank lines of questions/answers/ID.txt. No file means not answered yet: that is reported with the
    /// exception a blank task throws (NotImplementedException, "Task ID: …"), so `course list --check` shows the
    /// question as "todo" and the CI lane can prove each question's test fails until it is answered.
    /// </summary>
    static string[] AnswerLines(string id)
    {
        var path = Path.Combine(Clone.RequireRoot(AppContext.BaseDirectory), Clone.Answers, id + ".txt");
        if (!File.Exists(path)) throw new NotImplementedException($"Task {id}: no answer yet: write it into questions/answers/{id}.txt");
        return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
    }

    /// <summary>The learner's numbers: <paramref name="rows"/> lines of <paramref name="columns"/> numbers each.</summary>
    static double[][] Answer(string id, int rows, int columns) => Answer(id, Enumerable.Repeat(columns, rows).ToArray());

    /// <summary>The learner's numbers: one line per entry of <paramref name="columnsPerLine"/>, with that many numbers.</summary>
    static double[][] Answer(string id, int[] columnsPerLine)
    {
        int rows = columnsPerLine.Length;
        var lines = AnswerLines(id);
        Assert.True(lines.Length == rows, $"{id}.txt: expected {rows} lines, found {lines.Length}");
        return lines.Select((l, i) =>
        {
            var parts = l.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            Assert.True(parts.Length == columnsPerLine[i], $"{id}.txt line {i + 1}: expected {columnsPerLine[i]} numbers, found '{l.Trim()}'");
            return parts.Select(p => double.TryParse(p.Replace('−', '-'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new Xunit.Sdk.XunitException($"{id}.txt line {i + 1}: '{p}' is not a number")).ToArray();
        }).ToArray();
    }

    /// <summary>The learner's O/X marks, one a line.</summary>
    static string[] Marks(string id, int count)
    {
        var marks = AnswerLines(id).Select(l => l.Trim().ToUpperInvariant()).ToArray();
        Assert.True(marks.Length == count, $"{id}.txt: expected {count} lines, found {marks.Length}");
        for (int i = 0; i < count; i++) Assert.True(marks[i] is "O" or "X", $"{id}.txt line {i + 1}: '{marks[i]}' is not O or X");
        return marks;
    }

    static bool Near(double expected, double actual, double relative) => Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-3);

    [Fact, Trait("Task", "Q0.1")]
    public void Q0_1_where_a_views_element_lives()
    {
        var answer = Answer("Q0.1", [3, 4, 1]);
        var a = NDArray.Arange(24).Reshape(2, 3, 4);
        var p = a.Permute(2, 0, 1);
        var n = a.Narrow(2, 1, 2);
        Assert.True(answer[0].SequenceEqual(p.Strides.Select(v => (double)v)), "Q0.1 line 1: not the strides of a.Permute(2, 0, 1)");
        Assert.True(answer[1].SequenceEqual(n.Strides.Prepend(n.Offset).Select(v => (double)v)),
            "Q0.1 line 2: not the offset and strides of a.Narrow(2, 1, 2)");
        int index = p.Offset + 3 * p.Strides[0] + 1 * p.Strides[1] + 2 * p.Strides[2];
        Assert.True(answer[2][0] == index && a.Reshape(24).ToDoubles()[index] == index,
            "Q0.1 line 3: not the storage index of p[3, 1, 2]");
    }

    [Fact, Trait("Task", "Q1.1")]
    public void Q1_1_a_value_used_twice()
    {
        var answer = Answer("Q1.1", 2, 1);
        Value a = 2, b = -3;
        var c = a * b;
        var d = c + b * b;
        d.Backward();
        Assert.True(Near(a.Grad, answer[0][0], 1e-9), $"Q1.1 part 1: {answer[0][0]} is not a.Grad");
        Assert.True(Near(b.Grad, answer[1][0], 1e-9), $"Q1.1 part 2: {answer[1][0]} is not b.Grad (b reaches d by three edges)");
    }

    [Fact, Trait("Task", "Q7.1")]
    public void Q7_1_the_inception_score_of_two_made_up_classifiers()
    {
        var answer = Answer("Q7.1", 2, 1);
        const int n = 1000, k = 10;
        var certain = new double[n * k];
        for (int i = 0; i < n; i++) certain[i * k + (i < n / 2 ? 0 : 1)] = 1;
        var unsure = new double[n * k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) unsure[i * k + j] = j == i % k ? 0.5 : 0.5 / 9;
        var score = Scratch.Gan.Evaluation.Metrics.InceptionScore.Compute;
        Assert.True(Near(score(certain, n, k), answer[0][0], 5e-4),
            $"Q7.1 part 1: {answer[0][0]} is not the score of the certain two-class classifier");
        Assert.True(Near(score(unsure, n, k), answer[1][0], 5e-4),
            $"Q7.1 part 2: {answer[1][0]} is not the score of the 0.5-on-its-class classifier");
    }

    [Fact, Trait("Task", "Q2.1")]
    public void Q2_1_the_errors_of_one_sided_and_central_differences()
    {
        var answer = Answer("Q2.1", 2, 1);
        static double F(double x) => x * x * x;
        double x = 2, eps = 1e-3, slope = 3 * x * x;
        double oneSided = (F(x + eps) - F(x)) / eps - slope, central = (F(x + eps) - F(x - eps)) / (2 * eps) - slope;
        Assert.True(Near(oneSided, answer[0][0], 5e-3), $"Q2.1 part 1: {answer[0][0]} is not the one-sided difference's error (3 digits)");
        Assert.True(Near(central, answer[1][0], 5e-3), $"Q2.1 part 2: {answer[1][0]} is not the central difference's error (3 digits)");
    }

    [Fact, Trait("Task", "Q3.1")]
    public void Q3_1_a_float32_sum_left_to_right_and_rounded_once()
    {
        var answer = Answer("Q3.1", 2, 1);
        double[] values = [1, .. Enumerable.Repeat(Math.Pow(2, -24), 8)];
        double inOrder = NDArray.From(values, [9], DType.Float32, Devices.Reference).Sum().Item();
        double roundedOnce = NDArray.From(values, [9], DType.Float64).Sum().To(DType.Float32).Item();
        Assert.True(Near(inOrder, answer[0][0], 5e-8), $"Q3.1 part 1: {answer[0][0]} is not the reference's left-to-right float32 sum (8 digits)");
        Assert.True(Near(roundedOnce, answer[1][0], 5e-8), $"Q3.1 part 2: {answer[1][0]} is not the exact sum rounded to float32 (8 digits)");
    }

    [Fact, Trait("Task", "Q4.1")]
    public void Q4_1_batch_norm_of_four_numbers_and_its_gradient()
    {
        var answer = Answer("Q4.1", 2, 4);
        var x = T.From([1.0, 2, 3, 6], [4, 1], DType.Float64, requiresGrad: true);
        var y = x.BatchNorm(null, null, NDArray.Zeros([1], DType.Float64), NDArray.Ones([1], DType.Float64), momentum: 0.1, eps: 1e-5);
        (y * T.From([1.0, 0, 0, 0], [4, 1], DType.Float64)).Sum().Backward();   // L = y₁
        double[] ys = y.ToDoubles(), dx = x.Grad!.ToDoubles();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(Near(ys[i], answer[0][i], 5e-3), $"Q4.1 part 1: y{i + 1} = {answer[0][i]} is not batch norm's output (3 digits)");
            Assert.True(Near(dx[i], answer[1][i], 5e-3), $"Q4.1 part 2: ∂L/∂x{i + 1} = {answer[1][i]} is not the gradient of L = y₁ (3 digits)");
        }
    }

    [Fact, Trait("Task", "Q5.1")]
    public void Q5_1_the_alternating_table_from_1_1()
    {
        var answer = Answer("Q5.1", 6, 2);
        var path = Methods.Run("alternating", Game.Bilinear, new Point(1, 1), eta: 1, steps: 6);
        for (int t = 1; t <= 6; t++)
            Assert.True(Near(path[t].X, answer[t - 1][0], 1e-9) && Near(path[t].Y, answer[t - 1][1], 1e-9),
                $"Q5.1: step {t}: ({answer[t - 1][0]}, {answer[t - 1][1]}) is not where the iteration is (y moves first, then x with the new y)");
    }

    [Fact, Trait("Task", "Q6.1")]
    public void Q6_1_the_penalty_and_the_clipped_slope_of_a_linear_critic()
    {
        var answer = Answer("Q6.1", 2, 1);
        double[] w = [0.6, 0.8, 1.2, 1.6];
        var g = new RandomStream(1);
        var real = new T(NDArray.Normal([8, 4], 0, 1, DType.Float64, g: g));
        var fake = new T(NDArray.Normal([8, 4], 0, 1, DType.Float64, g: g));
        double penalty = GanLosses.GradientPenalty(new Module6Tests.LinearCritic(w), real, fake, g).Item();
        Assert.True(Near(penalty, answer[0][0], 5e-3), $"Q6.1 part 1: {answer[0][0]} is not the penalty (to 3 significant digits)");

        // Clip as WGAN does, then measure the slope ‖∇ₓD‖ by autograd at one point.
        var critic = new Module6Tests.LinearCritic(w);
        new Sgd([critic.W], lr: 0).ClampParameters(-0.01, 0.01);
        var x = new T(NDArray.Normal([1, 4], 0, 1, DType.Float64, g: g), requiresGrad: true);
        var slope = Math.Sqrt(Engine.Grad([critic.Call(x)], [x])[0]!.ToDoubles().Sum(v => v * v));
        Assert.True(Near(slope, answer[1][0], 5e-3), $"Q6.1 part 2: {answer[1][0]} is not ‖∇ₓD‖ after clipping (to 3 significant digits)");
    }

    [Fact, Trait("Task", "Q5.3")]
    public void Q5_3_the_predicted_marks_against_the_measured_sweep()
    {
        var marks = Marks("Q5.3", 4);
        // The sweep as measured (docs/evaluation.md, "A small sweep"), in the question's order; the mark is the
        // classifier's rule applied to its scores.
        var csv = File.ReadAllLines(Path.Combine(Clone.RequireRoot(AppContext.BaseDirectory), "questions/data/sweep-dcgan-1-epoch.csv"));
        var head = csv[0].Split(',');
        var rows = csv.Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Split(',')).ToArray();
        Assert.Equal(4, rows.Length);
        int lr = Array.IndexOf(head, "lr"), batch = Array.IndexOf(head, "batch-size");
        int score = Array.IndexOf(head, "IS"), classes = Array.IndexOf(head, "classes_covered");
        for (int i = 0; i < 4; i++)
        {
            var ci = CultureInfo.InvariantCulture;
            var measured = DigitsRule.Mark(double.Parse(rows[i][score], ci), int.Parse(rows[i][classes], ci));
            Assert.True(marks[i] == measured,
                $"Q5.3 line {i + 1}: your {marks[i]} for lr {rows[i][lr]}, batch {rows[i][batch]} is not the measured mark");
        }
    }
}
