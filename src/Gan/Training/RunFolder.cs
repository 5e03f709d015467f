using System.Globalization;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Training;

/// <summary>
/// A run's folder: config.json, metrics.csv, curves.png, samples/, fixed/ (+ progress.gif),
/// checkpoints/ and TensorBoard event files (events.out.tfevents.*, one per training session). A checkpoint is one safetensors file holding G, D,
/// both optimizers and, in its metadata, the counters and random-stream positions needed to resume exactly.
/// </summary>
public sealed class RunFolder
{
    public string Dir { get; }
    public RunFolder(string dir) { Dir = Path.GetFullPath(dir); }

    public string ConfigPath => Path.Combine(Dir, "config.json");
    public string MetricsPath => Path.Combine(Dir, "metrics.csv");
    public string WarningsPath => Path.Combine(Dir, "warnings.txt");
    /// <summary>
    /// "epoch,seconds,peak MB" for each epoch trained without interruption: the seconds are what sweep reports as time per epoch, the peak is the
    /// most bytes the step pool held during the epoch.
    /// </summary>
    public string EpochTimesPath => Path.Combine(Dir, "epoch_times.csv");
    public string LatestCheckpoint => Path.Combine(Dir, "checkpoints", "latest.safetensors");
    public string Samples(long iter) => Path.Combine(Dir, "samples", $"iter-{iter:D6}.png");
    public string Fixed(int epoch) => Path.Combine(Dir, "fixed", $"epoch-{epoch:D3}.png");

    /// <summary>
    /// metrics.csv's columns: the losses, then D(x) and D(G(z)) (d_real, d_fake), the L2 norms of D's and
    /// G's gradients, and WGAN-GP's penalty before λ (<see cref="StepLosses"/>; docs/watching.md). An empty cell: not measured.
    /// </summary>
    public const string MetricsHeader = "iteration,epoch,d_loss,g_loss,wasserstein,info_loss,d_real,d_fake,grad_norm_d,grad_norm_g,penalty";

    public static string MetricsRow(long iter, int epoch, StepLosses l) =>
        string.Join(",", iter.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture),
            F(l.D), F(l.G), F(l.Wasserstein), F(l.Info), F(l.DReal), F(l.DFake), F(l.GradNormD), F(l.GradNormG), F(l.Penalty));

    static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Where training stands: written into every checkpoint's metadata.</summary>
    public sealed record Progress(long Iteration, int Epoch, int BatchInEpoch, ulong RngOffset, double LastG, double LastInfo);

    public static void SaveCheckpoint(string path, GanModel m, Progress p)
    {
        var tensors = new List<(string, NDArray)>();
        tensors.AddRange(m.G.StateDict().Select(t => ("G." + t.Name, t.Tensor.Data)));
        tensors.AddRange(m.D.StateDict().Select(t => ("D." + t.Name, t.Tensor.Data)));
        tensors.AddRange(m.OptG.StateDict().Select(kv => ("optG." + kv.Key, kv.Value)));
        tensors.AddRange(m.OptD.StateDict().Select(kv => ("optD." + kv.Key, kv.Value)));
        var meta = new Dictionary<string, string>
        {
            ["format"] = "scratch-gan-checkpoint",
            ["model"] = Setting.Name(m.Config.Model),
            ["config"] = m.Config.ToJson(),
            ["iteration"] = p.Iteration.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = p.Epoch.ToString(CultureInfo.InvariantCulture),
            ["batch_in_epoch"] = p.BatchInEpoch.ToString(CultureInfo.InvariantCulture),
            ["rng_offset"] = p.RngOffset.ToString(CultureInfo.InvariantCulture),
            ["last_g"] = p.LastG.ToString("R", CultureInfo.InvariantCulture),
            ["last_info"] = p.LastInfo.ToString("R", CultureInfo.InvariantCulture),
        };
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Reads a checkpoint's config without building a model (to check it is a checkpoint of ours).</summary>
    public static GanConfig ReadConfig(string path)
    {
        var (_, meta) = SafeTensors.Load(path);
        if (!meta.TryGetValue("format", out var f) || f != "scratch-gan-checkpoint" || !meta.TryGetValue("config", out var cfg))
            throw new InvalidDataException($"'{path}' is a safetensors file but not a Scratch GAN checkpoint");
        return GanConfig.FromJson(cfg, $"'{path}' (the config in its metadata)");
    }

    /// <summary>Loads weights, optimizer state and the random stream's position into m; returns where training stood.</summary>
    public static Progress LoadCheckpoint(string path, GanModel m)
    {
        try { return Load(path, m); }
        // Missing or garbled metadata, or tensors that do not fit the model: one line that names the file.
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"'{path}' is a damaged Scratch GAN checkpoint: its metadata is incomplete or not numeric");
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("load: "))
        {
            throw new InvalidDataException($"'{path}' does not fit this {Setting.Name(m.Config.Model)} model: {e.Message["load: ".Length..]}");
        }
    }

    static Progress Load(string path, GanModel m)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        if (!meta.TryGetValue("format", out var f) || f != "scratch-gan-checkpoint")
            throw new InvalidDataException($"'{path}' is a safetensors file but not a Scratch GAN checkpoint");
        if (!Setting.TryParse<ModelKind>(meta.GetValueOrDefault("model"), out var model) || model != m.Config.Model)
            throw new InvalidDataException(
                $"'{path}' is a checkpoint of model {meta.GetValueOrDefault("model")}, not {Setting.Name(m.Config.Model)}");
        m.G.LoadStateDict(tensors, "G.");
        m.D.LoadStateDict(tensors, "D.");
        Dictionary<string, NDArray> Sub(string prefix) =>
            tensors.Where(kv => kv.Key.StartsWith(prefix)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        m.OptG.LoadStateDict(Sub("optG."));
        m.OptD.LoadStateDict(Sub("optD."));
        var p = new Progress(long.Parse(meta["iteration"], CultureInfo.InvariantCulture), int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
            int.Parse(meta["batch_in_epoch"], CultureInfo.InvariantCulture), ulong.Parse(meta["rng_offset"], CultureInfo.InvariantCulture),
            double.Parse(meta["last_g"], CultureInfo.InvariantCulture), double.Parse(meta["last_info"], CultureInfo.InvariantCulture));
        m.Rng.Offset = p.RngOffset;
        return p;
    }
}
