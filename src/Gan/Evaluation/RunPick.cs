using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Models;
using Scratch.Gan.Training;
using Scratch.Tensors;

namespace Scratch.Gan.Evaluation;

/// <summary>
/// A label-free choice among InfoGAN runs (`scratch pick`, #33): the run whose Q tells the most about real digits.
/// Q's categories of n of the run's own training images (their pixels, never their labels) give the mutual
/// information H(mean p) − mean H(p) between image and category, at most ln 10 = 2.303 nats: high when each digit
/// goes confidently into one category and the categories are used equally. When Q cuts one digit class in two by
/// style (4s and 9s by slant, say) the cut runs through a crowd of digits, many of them sit near it and are named
/// with less confidence, and the information drops (docs/gans.md measures how well it ranks runs of the --info-max
/// recipe). It is the quantity --info-max trains, so it says which run did its own job best; it is not a proof of accuracy.
/// </summary>
public static class RunPick
{
    /// <summary>One run's checkpoint and what Q makes of the real images.</summary>
    public sealed record Candidate(string Checkpoint, ulong Seed, long Iteration, int Images, double Information, double LargestShare);

    /// <summary>Q's information and largest category share on the first n training images of the checkpoint's data.</summary>
    public static Candidate Score(string checkpoint, int n, Device device)
    {
        var config = RunFolder.ReadConfig(checkpoint);
        if (config.Model != ModelKind.InfoGan)
            throw new InvalidDataException($"{checkpoint}: a {Setting.Name(config.Model)} run has no Q network; only infogan runs can be picked this way");
        var gan = new GanModel(config, device);
        var progress = RunFolder.LoadCheckpoint(checkpoint, gan);
        var images = config.Data == "embedded" ? ImageSet.Embedded() : ImageSet.FromFolder(config.Data);
        int count = Math.Min(n, images.Count), k = InfoGanD.Categories;
        var probs = new double[count * k];
        for (int at = 0; at < count; at += 500)
            using (MemoryScope.Begin())
            {
                var chunk = Enumerable.Range(at, Math.Min(500, count - at)).ToArray();
                var logits = new Tensor(gan.QCategories(images.Batch(chunk, config.ImageSize, device)));
                logits.Softmax(1).ToDoubles().CopyTo(probs, at * k);
            }
        var (information, largestShare) = Evaluator.LabelFree(probs, count, k);
        return new Candidate(checkpoint, config.Seed, progress.Iteration, count, information, largestShare);
    }

    /// <summary>The index of the candidate with the most information; the first of equals.</summary>
    public static int Best(IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count == 0) throw new ArgumentException("no candidates to pick from", nameof(candidates));
        int best = 0;
        for (int i = 1; i < candidates.Count; i++)
            if (candidates[i].Information > candidates[best].Information) best = i;
        return best;
    }
}
