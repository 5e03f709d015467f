using System.Globalization;
using Scratch.Autograd;
using Scratch.Course;
using Scratch.Gan.Models;
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
    /// <summary>The learner's numbers: <paramref name="rows"/> lines of <paramref name="columns"/> numbers each.</summary>
    static double[][] Answer(string id, int rows, int columns)
    {
        var path = Path.Combine(Clone.RequireRoot(AppContext.BaseDirectory), Clone.Answers, id + ".txt");
        // Not answered yet: the same exception a blank task throws, so `course list --check` says "todo".
        if (!File.Exists(path)) throw new NotImplementedException($"Task {id}: no answer yet: write it into questions/answers/{id}.txt");
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        Assert.True(lines.Length == rows, $"{id}.txt: expected {rows} lines, found {lines.Length}");
        return lines.Select((l, i) =>
        {
            var parts = l.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            Assert.True(parts.Length == columns, $"{id}.txt line {i + 1}: expected {columns} numbers, found '{l.Trim()}'");
            return parts.Select(p => double.TryParse(p.Replace('−', '-'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new Xunit.Sdk.XunitException($"{id}.txt line {i + 1}: '{p}' is not a number")).ToArray();
        }).ToArray();
    }

    static bool Near(double expected, double actual, double relative) => Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-3);

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
}
