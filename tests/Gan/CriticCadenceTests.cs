using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Gan;

/// <summary>
/// The critic's cadence: n_critic per generator step, or martinarjovsky/WassersteinGAN's warm-up — 100
/// critic steps before each of the first 25 generator steps and before every 500th.
/// </summary>
public class CriticCadenceTests
{
    /// <summary>Critic steps before each generator step, read off the iterations that end with one.</summary>
    static List<int> CriticsPerGStep(CriticCadence cadence, long iterations)
    {
        var counts = new List<int>();
        int since = 0;
        for (long it = 1; it <= iterations; it++)
        {
            since++;
            if (cadence.EndsWithGStep(it)) { counts.Add(since); since = 0; }
        }
        return counts;
    }

    [Fact]
    public void The_wgan_warmup_runs_100_critic_steps_for_the_first_25_generator_steps_then_n_critic_and_100_again_at_step_500()
    {
        // 25·100 + 475·5 iterations reach generator step 500 (0-based), which takes 100 more, then 5 again.
        long through501 = 25 * 100 + 475 * 5 + 100 + 5;
        var counts = CriticsPerGStep(new CriticCadence(5, CriticSchedule.WganWarmup), through501);
        Assert.Equal(502, counts.Count);
        Assert.All(counts.Take(25), n => Assert.Equal(100, n));
        Assert.All(counts.Skip(25).Take(5), n => Assert.Equal(5, n));   // G steps 25..29
        Assert.Equal(100, counts[500]);
        Assert.Equal(5, counts[501]);
        Assert.Equal(Enumerable.Range(0, 502).Where(k => k < 25 || k == 500), Enumerable.Range(0, 502).Where(k => counts[k] == 100));
    }

    [Fact]
    public void A_constant_schedule_is_every_n_critic_th_iteration()
    {
        var cadence = new CriticCadence(5, CriticSchedule.Constant);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => i % 5 == 0), Enumerable.Range(1, 2000).Select(i => cadence.EndsWithGStep(i)));
        Assert.All(CriticsPerGStep(new CriticCadence(1, CriticSchedule.Constant), 50), n => Assert.Equal(1, n));
    }

    [Fact]
    public void A_cadence_first_asked_mid_run_answers_as_one_that_ran_from_the_start_so_a_resume_keeps_it()
    {
        var through = new CriticCadence(5, CriticSchedule.WganWarmup);
        var answers = Enumerable.Range(1, 6000).Select(i => through.EndsWithGStep(i)).ToList();
        var resumed = new CriticCadence(5, CriticSchedule.WganWarmup);
        Assert.Equal(answers.Skip(2449), Enumerable.Range(2450, 6000 - 2449).Select(i => resumed.EndsWithGStep(i)));
        Assert.Equal(25, through.GeneratorStepsBy(2500));
        Assert.Equal(24, through.GeneratorStepsBy(2499));
        Assert.Throws<InvalidOperationException>(() => resumed.EndsWithGStep(10));
    }

    [Fact]
    public void Wgan_defaults_to_the_warmup_and_a_version_1_config_without_the_key_keeps_the_constant_schedule()
    {
        Assert.Equal(CriticSchedule.WganWarmup, Zoo.Defaults(ModelKind.Wgan).CriticSchedule);
        Assert.Equal(CriticSchedule.Constant, Zoo.Defaults(ModelKind.WganGp).CriticSchedule);   // gan_mnist.py: CRITIC_ITERS = 5 throughout
        var json = Zoo.Defaults(ModelKind.Wgan).ToJson();
        Assert.Contains("\"critic_schedule\": \"wgan-warmup\"", json);
        Assert.Equal(CriticSchedule.WganWarmup, GanConfig.FromJson(json).CriticSchedule);
        var withoutKey = json.Replace("\"critic_schedule\": \"wgan-warmup\",", "");
        Assert.Equal(CriticSchedule.WganWarmup, GanConfig.FromJson(withoutKey).CriticSchedule);   // version 2: missing is the model's default
        var v1 = withoutKey.Replace("\"version\": 2,", "");
        Assert.Equal(CriticSchedule.Constant, GanConfig.FromJson(v1).CriticSchedule);   // version 1: what runs had before the schedule
        var bad = Assert.Throws<InvalidDataException>(() => GanConfig.FromJson(json.Replace("wgan-warmup", "often")));
        Assert.Contains("unknown critic schedule 'often'", bad.Message);
    }

    [Fact]
    public void The_trainer_makes_its_first_generator_step_after_100_critic_steps_under_the_warmup()
    {
        var run = new RunFolder(TempDirs.New("scratch-cadence").FullName);
        try
        {
            // A small critic (the MLP) with the WGAN loss and the warm-up; G's loss is logged only where G stepped.
            var c = Zoo.Defaults(ModelKind.Vanilla) with { Loss = LossKind.Wasserstein, Optimizer = OptimizerKind.RmsProp, NCritic = 5, BatchSize = 4,
                CriticSchedule = CriticSchedule.WganWarmup, SampleEvery = 0, CheckpointEvery = 0, Epochs = 1 };
            new Trainer(new GanModel(c, Device.Cpu), ImageSet.Embedded(), run, new PlainProgress(new StringWriter())) { StopAfter = 201 }.Train(null);
            var g = File.ReadAllLines(run.MetricsPath).Skip(1).Select(l => l.Split(',')[3]).ToList();
            Assert.Equal(201, g.Count);
            Assert.All(g.Take(99), v => Assert.Equal("", v));
            Assert.NotEqual("", g[99]);
            // G's loss changes only at its steps: iterations 100 and 200.
            Assert.Equal([100, 200], Enumerable.Range(1, 200).Where(i => g[i] != g[i - 1]).Select(i => i + 1));   // g[i] is iteration i + 1
        }
        finally { Directory.Delete(run.Dir, true); }
    }
}
