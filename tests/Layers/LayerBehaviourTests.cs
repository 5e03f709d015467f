using System.Text.Json;
using Scratch.Autograd;
using Scratch.Layers;
using Scratch.Tensors;
using Xunit;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Layers;

public class BatchNormTests
{
    [Fact]
    public void Train_mode_uses_batch_statistics_in_closed_form()
    {
        // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance 1.25.
        var x = T.From([1.0, 10, 2, 20, 3, 30, 4, 40], [4, 2], DType.Float64);
        var bn = new BatchNorm1d(2, eps: 0, dtype: DType.Float64);
        var y = bn.Call(x).ToDoubles();
        double s = Math.Sqrt(1.25);
        Check.Close(new[] { -1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s }, new[] { y[0], y[2], y[4], y[6] }, 1e-12, 1e-12, "channel 0");
        Check.Close(new[] { -1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s }, new[] { y[1], y[3], y[5], y[7] }, 1e-12, 1e-12, "channel 1 (10× scale)");
    }

    [Fact]
    public void Running_statistics_after_three_steps_and_eval_uses_them()
    {
        var bn = new BatchNorm1d(1, momentum: 0.1, dtype: DType.Float64);
        double rm = 0, rv = 1;
        var batches = new[] { new[] { 1.0, 3 }, new[] { 2.0, 6 }, new[] { -1.0, 0 } };
        foreach (var b in batches)
        {
            bn.Call(T.From(b, [2, 1], DType.Float64));
            double mean = b.Average(), unbiased = b.Select(v => (v - mean) * (v - mean)).Sum() / (b.Length - 1);
            rm = 0.9 * rm + 0.1 * mean; rv = 0.9 * rv + 0.1 * unbiased;
        }
        Assert.Equal(rm, bn.RunningMean.Item(), 12);
        Assert.Equal(rv, bn.RunningVar.Item(), 12);
        bn.Eval();
        var y = bn.Call(T.From([5.0], [1, 1], DType.Float64)).Item();
        Assert.Equal((5 - rm) / Math.Sqrt(rv + 1e-5), y, 10);
        Assert.Equal(rm, bn.RunningMean.Item(), 12);   // eval leaves the statistics alone
    }
}

public class OptimizerTests
{
    // f(p) = ½ Σ (p − c)², so ∇f = p − c. Three steps of each optimizer, checked against the update
    // rules evaluated by hand in plain doubles.
    static readonly double[] Start = [1.0, -2.0], C = [0.5, 0.5];

    static double[] Run(Func<T, Optimizer> make)
    {
        var p = T.From(Start, [2], DType.Float64, requiresGrad: true);
        var opt = make(p);
        var c = T.From(C, [2], DType.Float64);
        for (int i = 0; i < 3; i++) { opt.ZeroGrad(); ((p - c).Pow(2).Sum() * 0.5).Backward(); opt.Step(); }
        return p.ToDoubles();
    }

    [Fact]
    public void Sgd_with_momentum()
    {
        double[] p = (double[])Start.Clone(), buf = new double[2];
        for (int t = 1; t <= 3; t++)
            for (int i = 0; i < 2; i++) { double g = p[i] - C[i]; buf[i] = t == 1 ? g : 0.9 * buf[i] + g; p[i] -= 0.1 * buf[i]; }
        Check.Close(p, Run(x => new Sgd([x], 0.1, momentum: 0.9)), 1e-12, 1e-14, "sgd");
    }

    [Fact]
    public void Adam_with_bias_correction()
    {
        double[] p = (double[])Start.Clone(), m = new double[2], v = new double[2];
        for (int t = 1; t <= 3; t++)
            for (int i = 0; i < 2; i++)
            {
                double g = p[i] - C[i];
                m[i] = 0.5 * m[i] + 0.5 * g; v[i] = 0.999 * v[i] + 0.001 * g * g;
                p[i] -= 0.1 * (m[i] / (1 - Math.Pow(0.5, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
        Check.Close(p, Run(x => new Adam([x], 0.1, 0.5, 0.999)), 1e-12, 1e-14, "adam");
    }

    [Fact]
    public void RmsProp()
    {
        double[] p = (double[])Start.Clone(), v = new double[2];
        for (int t = 1; t <= 3; t++)
            for (int i = 0; i < 2; i++) { double g = p[i] - C[i]; v[i] = 0.99 * v[i] + 0.01 * g * g; p[i] -= 0.01 * g / (Math.Sqrt(v[i]) + 1e-8); }
        Check.Close(p, Run(x => new RmsProp([x], 0.01)), 1e-12, 1e-14, "rmsprop");
    }

    [Fact]
    public void Parameter_groups_have_their_own_rates_and_clamping_works()
    {
        var a = T.From([1.0], [1], DType.Float64, requiresGrad: true);
        var b = T.From([1.0], [1], DType.Float64, requiresGrad: true);
        var opt = new Adam([new ParamGroup([a], 0.1), new ParamGroup([b], 0.01)]);
        (a + b).Sum().Backward();
        opt.Step();
        Assert.Equal(0.9, a.Item(), 6);     // Adam's first step moves by ≈ lr
        Assert.Equal(0.99, b.Item(), 6);
        opt.ClampParameters(-0.95, 0.95);
        Assert.Equal(0.9, a.Item(), 6);
        Assert.Equal(0.95, b.Item(), 12);
    }

    [Fact]
    public void State_round_trips_through_a_state_dict()
    {
        var p = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var opt = new Adam([p], 0.1);
        (p * p).Sum().Backward(); opt.Step();
        var state = opt.StateDict();
        var q = T.From([1.0, 2.0], [2], DType.Float64, requiresGrad: true);
        var opt2 = new Adam([q], 0.1);
        opt2.LoadStateDict(state);
        Assert.Equal(1, opt2.Steps);
        Assert.Equal(state["0.exp_avg"].ToDoubles(), opt2.StateDict()["0.exp_avg"].ToDoubles());
    }
}

public class LossTests
{
    [Fact]
    public void Bce_on_probabilities_has_pytorchs_gradient_even_at_p_equal_1()
    {
        var p = T.From([0.3, 0.6, 0.9], [3], DType.Float64, requiresGrad: true);
        var y = T.From([1.0, 0.0, 0.5], [3], DType.Float64, requiresGrad: true);
        GradCheck.Assert(xs => Losses.Bce(xs[0], xs[1]), p, y);
        // float32 sigmoid(17) is exactly 1.0f: log(1 − p) clamps to −100, and the gradient must stay finite.
        var sure = T.From([1f, 0f], [2], requiresGrad: true);
        var target = T.From([0f, 1f], [2]);
        var loss = Losses.Bce(sure, target);
        loss.Backward();
        Assert.Equal(100, loss.Item(), 3);
        Assert.All(sure.Grad!.ToDoubles(), g => Assert.True(double.IsFinite(g) && Math.Abs(g) > 1e9, $"gradient {g}"));
    }

    [Fact]
    public void Losses_match_closed_forms()
    {
        var p = T.From([0.9, 0.2], [2], DType.Float64);
        var y = T.From([1.0, 0.0], [2], DType.Float64);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8)) / 2, Losses.Bce(p, y).Item(), 12);
        var z = T.From([2.0, -1.0], [2], DType.Float64);
        double Sp(double v) => Math.Log(1 + Math.Exp(v));
        Assert.Equal((Sp(-2) + Sp(-1)) / 2, Losses.BceWithLogits(z, y).Item(), 12);
        Assert.Equal(Sp(-2) + Sp(-1), Losses.BceWithLogits(z, y, Reduction.Sum).Item(), 12);
        Assert.Equal((0.01 + 0.04) / 2, Losses.Mse(p, y).Item(), 12);
        var logits = T.From([1.0, 2.0, 3.0, 0.0, 0.0, 0.0], [2, 3], DType.Float64);
        var labels = T.From([2.0, 0.0], [2], DType.Float64);
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        Assert.Equal(((lse - 3) + Math.Log(3)) / 2, Losses.CrossEntropy(logits, labels).Item(), 12);
        var mu = T.From([0.0], [1], DType.Float64); var v = T.From([4.0], [1], DType.Float64); var t = T.From([2.0], [1], DType.Float64);
        Assert.Equal(0.5 * (Math.Log(4) + 1), Losses.GaussianNll(mu, t, v).Item(), 12);
    }

    [Fact]
    public void Logit_losses_stay_finite_at_extreme_logits()
    {
        var z = T.From([1e4f, -1e4f, 1e4f, -1e4f], [4], requiresGrad: true);
        var y = T.From([1f, 0f, 0f, 1f], [4]);
        var l = Losses.BceWithLogits(z, y);
        Assert.Equal(5e3, l.Item(), 0);   // two confident mistakes costing 1e4 each, averaged over 4
        l.Backward();
        Assert.True(z.Grad!.ToDoubles().All(double.IsFinite));
        var logits = T.From([1e4f, -1e4f, 0, 0], [2, 2], requiresGrad: true);
        var ce = Losses.CrossEntropy(logits, T.From([1f, 0f], [2]));
        Assert.True(double.IsFinite(ce.Item()));
        ce.Backward();
        Assert.True(logits.Grad!.ToDoubles().All(double.IsFinite));
    }

    [Fact]
    public void Bce_with_logits_gradient_is_sigmoid_minus_target()
    {
        var z = T.From([0.0, 3.0, -2.0], [3], DType.Float64, requiresGrad: true);
        var y = T.From([1.0, 0.0, 1.0], [3], DType.Float64);
        Losses.BceWithLogits(z, y, Reduction.Sum).Backward();
        double S(double v) => 1 / (1 + Math.Exp(-v));
        Check.Close(new[] { S(0) - 1, S(3), S(-2) - 1 }, z.Grad!.ToDoubles(), 1e-12, 1e-14, "dBCE/dz");
        Assert.True(GradCheck.RunSecondOrder(xs => Losses.BceWithLogits(xs[0], y), [z]).Ok);
    }
}

public class CheckpointTests
{
    static Module Net() => new Sequential(new Linear(4, 3, g: new RandomStream(1)), new BatchNorm1d(3), new Linear(3, 2, g: new RandomStream(2)));

    [Fact]
    public void Round_trip_is_bit_exact_and_the_header_is_valid_safetensors()
    {
        var dir = TempDirs.New().FullName;
        var path = Path.Combine(dir, "m.safetensors");
        var a = Net();
        a.Call(T.Uniform([5, 4], g: new RandomStream(3)));   // moves BatchNorm's running statistics
        Checkpoint.Save(a, path, new Dictionary<string, string> { ["model"] = "test" });
        var b = Net();
        Checkpoint.Load(b, path);
        foreach (var ((n1, t1), (_, t2)) in a.StateDict().Zip(b.StateDict()))
            Assert.True(t1.Data.ToArray<float>().SequenceEqual(t2.Data.ToArray<float>()), n1);

        var bytes = File.ReadAllBytes(path);
        long n = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, n % 8);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        long expectOffset = 0;
        foreach (var (name, t) in a.StateDict())
        {
            var e = doc.RootElement.GetProperty(name);
            Assert.Equal("F32", e.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray());
            var offs = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            Assert.Equal(expectOffset, offs[0]);
            Assert.Equal(expectOffset + t.Numel * 4, offs[1]);
            expectOffset = offs[1];
        }
        Assert.Equal(8 + n + expectOffset, bytes.Length);
        Assert.Equal("test", doc.RootElement.GetProperty("__metadata__").GetProperty("model").GetString());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Fact]
    public void Loading_into_a_mismatched_model_names_the_first_difference()
    {
        var path = Path.Combine(TempDirs.New().FullName, "m.safetensors");
        Checkpoint.Save(Net(), path);
        var other = new Sequential(new Linear(4, 5), new BatchNorm1d(5), new Linear(5, 2));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, path));
        Assert.Equal("load: tensor '0.weight' is [3,4] in the checkpoint but [5,4] in the model", e.Message);
        var e2 = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(new Sequential(new Linear(4, 3)), path));
        Assert.Contains("the checkpoint has a tensor '1.bias' that the model does not", e2.Message);
        File.WriteAllText(path, "not a checkpoint at all");
        Assert.Contains("is not a valid checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Net(), path)).Message);
    }

    [Fact]
    public void Module_basics_count_train_eval_and_summary()
    {
        var m = Net();
        Assert.Equal(4 * 3 + 3 + 3 + 3 + 3 * 2 + 2, m.ParameterCount);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(["1.running_mean", "1.running_var"], m.NamedBuffers().Select(p => p.Name).ToArray());
        m.Eval();
        Assert.All(m.Modules(), x => Assert.False(x.Training));
        var s = m.Summary(7, 4);
        Assert.Contains("Linear-1", s); Assert.Contains("[7,3]", s); Assert.Contains("BatchNorm1d-1", s); Assert.Contains("Total params: 29", s);
        Assert.False(m.Training);
    }
}
