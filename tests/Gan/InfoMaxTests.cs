using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Gan.Data;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;
using static Scratch.Tests.Gan.CliTests;
using T = Scratch.Autograd.Tensor;

namespace Scratch.Tests.Gan;

/// <summary>InfoGAN's --info-max: information maximisation on real digits (Models/InfoMax.cs).</summary>
[Collection("serial")]
public class InfoMaxTests
{
    static T Logits(params float[][] rows) => new(NDArray.From(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]));

    [Fact]
    public void The_loss_is_zero_only_for_confident_balanced_shift_invariant_predictions_and_counts_each_failure_by_hand()
    {
        double ln2 = Math.Log(2);
        // Two digits, two categories, each digit sure of its own category, the shifted copies agreeing: all three terms 0.
        var sure = Logits([40, 0], [0, 40]);
        var best = InfoMax.Loss(sure, sure);
        Assert.Equal(0, best.Total.Item(), 6);
        // Undecided (p = ½ each): the mean entropy is ln 2, the mean prediction is uniform, so only confidence is lost.
        var unsure = InfoMax.Loss(Logits([0, 0], [0, 0]), Logits([0, 0], [0, 0]));
        Assert.Equal(ln2, unsure.Confidence.Item(), 6);
        Assert.Equal(0, unsure.Imbalance.Item(), 6);
        Assert.Equal(0, unsure.Inconsistency.Item(), 6);
        Assert.Equal(ln2, unsure.Total.Item(), 6);
        // Collapsed: both digits sure of category 0. Confident, but the mean prediction (1, 0) is ln 2 from uniform, weighted μ = 4.
        var collapsed = InfoMax.Loss(Logits([40, 0], [40, 0]), Logits([40, 0], [40, 0]));
        Assert.Equal(InfoMax.Balance * ln2, collapsed.Total.Item(), 5);
        // The shifted copy says (0.8, 0.2) where the digit says (½, ½): KL = ½ ln(½/0.8) + ½ ln(½/0.2).
        float l = (float)Math.Log(4);   // softmax(ln 4, 0) = (0.8, 0.2)
        var moved = InfoMax.Loss(Logits([0, 0], [0, 0]), Logits([l, 0], [l, 0]));
        Assert.Equal(0.5 * Math.Log(0.5 / 0.8) + 0.5 * Math.Log(0.5 / 0.2), moved.Inconsistency.Item(), 5);
    }

    [Fact]
    public void Only_the_shifted_copy_is_pulled_toward_the_digits_own_prediction()
    {
        var digit = new T(NDArray.From(new float[] { 1, 0, 0, 1 }, [2, 2]), requiresGrad: true);
        var shifted = new T(NDArray.From(new float[] { 0, 1, 1, 0 }, [2, 2]), requiresGrad: true);
        // Confidence and balance are at their best for these logits only in the limit, so compare the consistency term alone.
        InfoMax.Loss(digit, shifted).Inconsistency.Backward();
        Assert.Null(digit.Grad);
        Assert.Contains(shifted.Grad!.ToDoubles(), g => Math.Abs(g) > 0.1);
    }

    [Fact]
    public void A_shifted_batch_moves_each_group_by_at_most_two_pixels_and_fills_with_the_background()
    {
        int n = 2 * InfoMax.ShiftGroup + 3;   // a last, shorter group
        var pixels = Enumerable.Repeat(-1f, n * 28 * 28).ToArray();
        for (int b = 0; b < n; b++) pixels[b * 784 + 14 * 28 + 14] = 1;   // one lit pixel at (14, 14)
        var shifted = InfoMax.Shifted(new T(NDArray.From(pixels, [n, 1, 28, 28])), new RandomStream(5)).ToDoubles();
        var moves = new HashSet<(int, int)>();
        for (int b = 0; b < n; b++)
        {
            var lit = Enumerable.Range(0, 784).Where(i => shifted[b * 784 + i] > 0).ToList();
            Assert.Single(lit);
            var (dy, dx) = (lit[0] / 28 - 14, lit[0] % 28 - 14);
            Assert.InRange(dy, -InfoMax.MaxShift, InfoMax.MaxShift);
            Assert.InRange(dx, -InfoMax.MaxShift, InfoMax.MaxShift);
            Assert.Equal(783, Enumerable.Range(0, 784).Count(i => shifted[b * 784 + i] == -1));
            moves.Add((dy, dx));
            if (b % InfoMax.ShiftGroup != 0) Assert.Equal(lit[0], Enumerable.Range(0, 784).First(i => shifted[(b - 1) * 784 + i] > 0));
        }
        Assert.True(moves.Count > 1, "each group should draw its own shift");
        // An edge pixel shifted outwards leaves the image: what comes in is background, not a wrapped-around row.
        var edge = Enumerable.Repeat(-1f, 28 * 28).ToArray();
        for (int x = 0; x < 28; x++) edge[27 * 28 + x] = 1;
        var s = Enumerable.Range(0, 50)
            .Select(seed => InfoMax.Shifted(new T(NDArray.From(edge, [1, 1, 28, 28])), new RandomStream((ulong)seed)).ToDoubles());
        Assert.All(s, img => Assert.All(img.Take(28 * 25), v => Assert.Equal(-1, v)));
    }

    [Fact]
    public void Info_max_is_an_infogan_setting_off_by_default_and_an_older_config_without_it_means_off()
    {
        Assert.Equal(0, Zoo.Defaults(ModelKind.InfoGan).InfoMax);
        Assert.Equal(0, GanConfig.FromJson("""{ "version": 2, "model": "infogan", "loss": "nonsaturating" }""").InfoMax);
        var never = TempDirs.Fresh("never-made-");
        OneLineFailure(Run("train", "--model", "dcgan", "--info-max", "1", "--out", never), "--info-max is for --model infogan only");
        OneLineFailure(Run("train", "--model", "infogan", "--info-max", "-1", "--out", never), "--info-max: must be non-negative");
        OneLineFailure(Run("train", "--model", "infogan", "--info-max", "1", "--info-trains", "g-and-q", "--out", never), "--info-trains both");
        Assert.False(Directory.Exists(never));
    }

    [Fact]
    public void With_info_max_D_s_step_trains_Q_on_the_real_batch_too()
    {
        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 16 };
        var real = new T(NDArray.Uniform([16, 1, 28, 28], -1, 1, g: new RandomStream(3)));
        double Loss(double weight) => new GanModel(c with { InfoMax = weight }, Device.Cpu).DLoss(real).Loss.Item();
        // Same seed, same fake batch: the loss grows by λ times the information-maximisation terms, which are positive for an untrained Q.
        double off = Loss(0), on = Loss(1);
        Assert.True(on > off + 1e-3, $"with --info-max 1 D's loss {on} should exceed the reference's {off}");
        var gan = new GanModel(c with { InfoMax = 1 }, Device.Cpu);
        var loss = gan.DLoss(real).Loss;
        gan.OptD.ZeroGrad();
        loss.Backward();
        Assert.All(((InfoGanD)gan.D).QHead.Parameters(), p => Assert.NotNull(p.Grad));
    }
    /// <summary>A linear Q on 2×2 images: category logits W·x for three categories.</summary>
    static Func<T, T> LinearQ(T w) => x => x.Reshape(x.Shape[0], -1).MatMul(w);

    [Fact]
    public void The_adversarial_perturbation_has_length_epsilon_and_changes_Q_more_than_any_of_200_random_ones()
    {
        var g = new RandomStream(11);
        var w = new T(NDArray.Uniform([4, 3], -2, 2, g: g));
        var x = new T(NDArray.Uniform([5, 1, 2, 2], -1, 1, g: g));
        var logits = LinearQ(w)(x);
        var seen = new List<double[]>();
        const double epsilon = 0.5;
        T Spy(T input) { seen.Add(input.ToDoubles()); return LinearQ(w)(input); }
        double adversarial = InfoMax.AdversarialInconsistency(Spy, x, logits, epsilon, new RandomStream(3)).Item();

        // Called twice: the random probe of length ξ, then the perturbation r of length ε, both per image.
        Assert.Equal(2, seen.Count);
        var xs = x.ToDoubles();
        for (int b = 0; b < 5; b++)
        {
            double Length(double[] input) => Math.Sqrt(Enumerable.Range(b * 4, 4).Sum(i => (input[i] - xs[i]) * (input[i] - xs[i])));
            Assert.Equal(InfoMax.ProbeLength, Length(seen[0]), 4);
            Assert.Equal(epsilon, Length(seen[1]), 4);
        }
        // The KL at x + r against the KL at x + r′ for random r′ of the same length: the power iteration found a worse direction.
        var logP = logits.LogSoftmax(-1).ToDoubles();
        double RandomKl(RandomStream rg)
        {
            var d = NDArray.Normal([5, 4], g: rg).ToDoubles();
            var moved = new double[20];
            for (int b = 0; b < 5; b++)
            {
                double len = Math.Sqrt(Enumerable.Range(b * 4, 4).Sum(i => d[i] * d[i]));
                for (int i = b * 4; i < b * 4 + 4; i++) moved[i] = xs[i] + epsilon * d[i] / len;
            }
            var q = LinearQ(w)(new T(NDArray.From(moved.Select(v => (float)v).ToArray(), [5, 1, 2, 2]))).LogSoftmax(-1).ToDoubles();
            return Enumerable.Range(0, 15).Sum(i => Math.Exp(logP[i]) * (logP[i] - q[i])) / 5;
        }
        var rng = new RandomStream(99);
        double worstRandom = Enumerable.Range(0, 200).Max(_ => RandomKl(rng));
        Assert.True(adversarial > worstRandom, $"adversarial KL {adversarial} should exceed every random direction's (at most {worstRandom})");
    }

    [Fact]
    public void The_adversarial_term_trains_Q_at_the_perturbed_batch_and_leaves_the_digits_own_logits_fixed()
    {
        var g = new RandomStream(4);
        var w = new T(NDArray.Uniform([4, 3], -2, 2, g: g), requiresGrad: true);
        var x = new T(NDArray.Uniform([5, 1, 2, 2], -1, 1, g: g));
        var logits = new T(LinearQ(w)(x).Data, requiresGrad: true);
        InfoMax.AdversarialInconsistency(LinearQ(w), x, logits, 0.5, new RandomStream(3)).Backward();
        Assert.Null(logits.Grad);
        Assert.Contains(w.Grad!.ToDoubles(), v => Math.Abs(v) > 1e-6);
    }

    [Fact]
    public void Info_max_vat_needs_info_max_and_an_older_config_without_it_means_off()
    {
        OffByDefaultAndNeedsInfoMax(c => c.InfoMaxVat, "--info-max-vat", "3");

        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 16, InfoMax = 1 };
        var real = new T(NDArray.Uniform([16, 1, 28, 28], -1, 1, g: new RandomStream(3)));
        double shiftsOnly = new GanModel(c, Device.Cpu).DLoss(real).Loss.Item();
        double withVat = new GanModel(c with { InfoMaxVat = 3 }, Device.Cpu).DLoss(real).Loss.Item();
        Assert.True(withVat > shiftsOnly + 1e-4, $"the adversarial term adds a positive KL: {withVat} against {shiftsOnly}");
    }

    /// <summary>
    /// A setting of --info-max's own: 0 by default and in a config written before it existed, and refused with one
    /// line (nothing made) without --info-max or for another model.
    /// </summary>
    static void OffByDefaultAndNeedsInfoMax(Func<GanConfig, double> setting, string flag, string value)
    {
        Assert.Equal(0, setting(Zoo.Defaults(ModelKind.InfoGan)));
        Assert.Equal(0, setting(GanConfig.FromJson("""{ "version": 2, "model": "infogan", "loss": "nonsaturating", "info_max": 1 }""")));
        var never = TempDirs.Fresh("never-made-");
        OneLineFailure(Run("train", "--model", "infogan", flag, value, "--out", never), "give --info-max a weight above 0");
        OneLineFailure(Run("train", "--model", "dcgan", flag, value, "--out", never), $"{flag} is for --model infogan only");
        Assert.False(Directory.Exists(never));
    }

    [Fact]
    public void Info_max_until_N_adds_the_term_through_iteration_N_then_leaves_InfoGANs_losses_alone()
    {
        OffByDefaultAndNeedsInfoMax(c => c.InfoMaxUntil, "--info-max-until", "250");
        OneLineFailure(Run("train", "--model", "infogan", "--info-max", "1", "--info-max-until", "-1", "--out", TempDirs.Fresh("never-")),
            "--info-max-until");

        // Same seed, same real and fake batches: through iteration 3 D's loss is --info-max's, from 4 on the reference's.
        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 16, InfoMax = 1, InfoMaxUntil = 3 };
        var real = new T(NDArray.Uniform([16, 1, 28, 28], -1, 1, g: new RandomStream(3)));
        double Loss(GanConfig k, long iteration) => new GanModel(k, Device.Cpu).DLoss(real, iteration).Loss.Item();
        Assert.Equal(Loss(c with { InfoMaxUntil = 0 }, 3), Loss(c, 3));
        Assert.Equal(Loss(c with { InfoMax = 0, InfoMaxUntil = 0 }, 4), Loss(c, 4));
        Assert.True(Loss(c, 3) > Loss(c, 4) + 1e-3, "the term is positive for an untrained Q");

        // The trainer hands D's step its iteration, counted from 1: until 1 leaves the term out of the second step only.
        double[] TrainedD(int until)
        {
            var run = new RunFolder(TempDirs.New("until-").FullName);
            var k = c with { InfoMaxUntil = until, Epochs = 1, SampleEvery = 0, CheckpointEvery = 0 };
            var gan = new GanModel(k, Device.Cpu);
            new Trainer(gan, ImageSet.Embedded(), run, new PlainProgress(new StringWriter())) { StopAfter = 2 }.Train(null);
            return gan.D.Parameters().SelectMany(p => p.Data.ToDoubles()).ToArray();
        }
        var always = TrainedD(0);
        Assert.Equal(always, TrainedD(2));
        Assert.NotEqual(always, TrainedD(1));
    }

    static double[] Image(Func<int, int, double> f) => Enumerable.Range(0, 784).Select(i => f(i / 28, i % 28)).ToArray();

    [Fact]
    public void Warp_is_exact_for_the_identity_a_whole_pixel_shift_and_a_quarter_turn()
    {
        var g = new RandomStream(8);
        var input = NDArray.Uniform([784], -1, 1, DType.Float64, g: g).ToDoubles();
        var output = new double[784];
        InfoMax.Warp(input, output, 28, 28, 0, 1, 0, 0);
        Assert.Equal(input, output);

        InfoMax.Warp(input, output, 28, 28, 0, 1, 1, 0);   // one pixel right: column 0 comes from outside, the background
        Assert.Equal(Image((y, x) => x == 0 ? -1 : input[y * 28 + x - 1]), output);

        // A quarter turn about the centre (13.5, 13.5) maps pixel centres onto pixel centres: output (y, x) reads input (x, 27 − y),
        // so what was below the centre is now right of it — counter-clockwise on the screen.
        InfoMax.Warp(input, output, 28, 28, Math.PI / 2, 1, 0, 0);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.Equal(input[x * 28 + 27 - y], output[y * 28 + x], 9);
    }

    [Fact]
    public void An_affine_batch_moves_each_image_its_own_way_within_the_bounds_and_repeats_for_a_seed()
    {
        // A bright 4×4 square at the centre of every image; after rotation ≤ 15°, scale ≤ 10 % and shift ≤ 2 px its ink stays
        // within the centre ± (2 √2 · 1.1 + 2 + 1) pixels, and the corners of the image stay background.
        var square = Image((y, x) => y is >= 12 and < 16 && x is >= 12 and < 16 ? 1 : -1).Select(v => (float)v).ToArray();
        var batch = new T(NDArray.From(Enumerable.Repeat(square, 6).SelectMany(v => v).ToArray(), [6, 1, 28, 28]));
        var moved = InfoMax.Affine(batch, new RandomStream(2)).ToDoubles();
        Assert.Equal(moved, InfoMax.Affine(batch, new RandomStream(2)).ToDoubles());
        Assert.All(moved, v => Assert.InRange(v, -1 - 1e-9, 1 + 1e-9));
        double reach = 2 * Math.Sqrt(2) * (1 + InfoMax.MaxScaleChange) + InfoMax.MaxShift + 1;
        for (int b = 0; b < 6; b++)
            for (int i = 0; i < 784; i++)
                if (moved[b * 784 + i] > -1 + 1e-9)
                    Assert.True(Math.Abs(i / 28 - 13.5) <= reach && Math.Abs(i % 28 - 13.5) <= reach, $"image {b}: ink at ({i / 28}, {i % 28})");
        var images = Enumerable.Range(0, 6).Select(b => string.Join(",", moved.Skip(b * 784).Take(784).Select(v => v.ToString("F4")))).ToHashSet();
        Assert.Equal(6, images.Count);   // each image drew its own transform
    }

    [Fact]
    public void Info_max_augment_is_shift_by_default_and_affine_needs_info_max()
    {
        Assert.Equal(InfoMaxAugment.Shift, Zoo.Defaults(ModelKind.InfoGan).InfoMaxAugment);
        Assert.Equal(InfoMaxAugment.Shift,
            GanConfig.FromJson("""{ "version": 2, "model": "infogan", "loss": "nonsaturating", "info_max": 1 }""").InfoMaxAugment);
        var never = TempDirs.Fresh("never-made-");
        OneLineFailure(Run("train", "--model", "infogan", "--info-max-augment", "affine", "--out", never), "give --info-max a weight above 0");
        OneLineFailure(Run("train", "--model", "infogan", "--info-max", "1", "--info-max-augment", "rotate", "--out", never), "--info-max-augment");
        Assert.False(Directory.Exists(never));
        var c = Zoo.Defaults(ModelKind.InfoGan) with { BatchSize = 16, InfoMax = 1 };
        var real = new T(NDArray.Uniform([16, 1, 28, 28], -1, 1, g: new RandomStream(3)));
        double shifts = new GanModel(c, Device.Cpu).DLoss(real).Loss.Item();
        double affine = new GanModel(c with { InfoMaxAugment = InfoMaxAugment.Affine }, Device.Cpu).DLoss(real).Loss.Item();
        Assert.NotEqual(shifts, affine);   // the same batch and fake samples, another changed copy
    }
}
