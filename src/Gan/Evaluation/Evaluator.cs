using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Evaluation.Metrics;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Evaluation;

/// <summary>The settings that make two evaluations comparable; printed with every result.</summary>
public sealed record EvalProtocol(int N, ulong Seed, int RealCount, int HeldCount, int KidSubsets, int KidSubsetSize, int K, string Features,
    string Real, string Classifier)
{
    public string Describe() =>
        $"n = {N} generated samples (latent seed {Seed}) against {RealCount} real reference images ({Real}); " +
        $"reference row: {HeldCount} held-out real images; " +
        $"features: {Features}; KID: {KidSubsets} subsets of {KidSubsetSize}; precision/recall: k = {K}; classifier: {Classifier}";
}

/// <summary>Every number for one set of images (generated, or the held-out real reference).</summary>
public sealed record SetMetrics(int N, double InceptionScore, int[] ClassHistogram, int ClassesCovered, double HistogramKl,
    double Frechet, double KidMean, double KidStd, double Precision, double Recall)
{
    /// <summary>What the trainer records of an evaluation during training (metrics.csv's columns).</summary>
    public Training.EvalScores ForTraining() => new(InceptionScore, Frechet, KidMean, Precision, Recall, ClassesCovered, HistogramKl);
}

/// <summary>
/// InfoGAN: how well the categorical code picks the digit, after the best code → digit matching, measured
/// two ways. Accuracy (generated code accuracy): G draws samples for each code and the classifier names their
/// digits. QRealAccuracy (Q on real digits, the paper's "c1 as a classifier"): Q's arg-max category for each
/// held-out real digit against its true label, over QRealCount digits. Two numbers on the same digits use no label,
/// so they may choose among runs: QRealInformation, Q's mutual information between image and category,
/// H(mean p) − mean H(p) in nats (at most ln 10 ≈ 2.303: every digit sure of its category, the categories used equally);
/// QRealLargestShare, the share of the digits in Q's most used category (0.1 when balanced; a run that merges 4s and 9s
/// puts about 0.2 there). QRealConfusion: the counts behind the matching, [category][true digit], which say which digits Q
/// mixes. Null where not measured (an older eval.json).
/// </summary>
public sealed record CodeAccuracy(double Accuracy, int[] DigitOfCode, int PerCode, ContinuousEffect[] Continuous,
    double? QRealAccuracy = null, int[]? QRealDigitOfCode = null, int QRealCount = 0,
    double? QRealInformation = null, double? QRealLargestShare = null, int[][]? QRealConfusion = null);

/// <summary>
/// Measures image sets against the real reference: the classifier's training split, whose features are
/// computed once. The reference row measures held-out real digits (never seen by the classifier)
/// the same way, so a generator's numbers can be read against what real data scores.
/// </summary>
public sealed class Evaluator
{
    readonly Classifier _net;
    readonly double[] _realFeatures;
    readonly FrechetDistance.Gaussian _realGaussian;
    readonly EvalData _data;
    readonly int _heldCount;
    public EvalProtocol Protocol { get; }

    public Evaluator(Classifier net, string classifierName, EvalData data, int n, ulong seed, int realLimit = int.MaxValue, int kidSubsets = 100,
        int kidSubsetSize = 1000)
    {
        _net = net; _data = data;
        var realIdx = data.TrainIdx.Take(realLimit).ToArray();
        _heldCount = Math.Min(realLimit, data.HeldIdx.Length);
        (_, _realFeatures) = net.Run(data.Train.Batch(realIdx, Classifier.Side, Device.Cpu));
        _realGaussian = FrechetDistance.Fit(_realFeatures, realIdx.Length, Classifier.FeatureDim);
        kidSubsetSize = Math.Min(kidSubsetSize, Math.Min(Math.Min(n, realIdx.Length), _heldCount));   // what Kid.Compute will use
        Protocol = new EvalProtocol(n, seed, realIdx.Length, _heldCount, kidSubsets, kidSubsetSize, 3,
            $"the classifier's {Classifier.FeatureDim} penultimate activations", data.Description, classifierName);
    }

    public SetMetrics Measure(double[] probs, double[] feats, int n)
    {
        const int k = Classifier.Classes, d = Classifier.FeatureDim;
        var hist = ClassHistogram.Of(probs, n, k);
        double fd = FrechetDistance.Compute(FrechetDistance.Fit(feats, n, d), _realGaussian);
        var kid = Kid.Compute(feats, n, _realFeatures, Protocol.RealCount, d, Protocol.KidSubsets, Protocol.KidSubsetSize, Protocol.Seed);
        var pr = PrecisionRecall.Compute(_realFeatures, Protocol.RealCount, feats, n, d, Protocol.K);
        return new SetMetrics(n, InceptionScore.Compute(probs, n, k), hist.Counts, hist.Covered, hist.KlToUniform, fd, kid.Mean, kid.Std,
            pr.Precision, pr.Recall);
    }

    /// <summary>The same numbers for the held-out real digits.</summary>
    public SetMetrics Reference()
    {
        var (p, f) = _net.Run(_data.Held.Batch(_data.HeldIdx.Take(_heldCount).ToArray(), Classifier.Side, Device.Cpu));
        return Measure(p, f, _heldCount);
    }

    /// <summary>n samples from G in eval mode, from the protocol's latent seed, classified in chunks.</summary>
    public SetMetrics Generated(GanModel gan)
    {
        var (p, f) = Classify(gan, Protocol.N, g => gan.Latent(g.Item2, g.Item1).Z, new RandomStream(Protocol.Seed));
        return Measure(p, f, Protocol.N);
    }

    (double[] Probs, double[] Feats) Classify(GanModel gan, int n, Func<(RandomStream, int), Tensor> latent, RandomStream g)
    {
        var probs = new double[n * Classifier.Classes];
        var feats = new double[n * Classifier.FeatureDim];
        for (int at = 0; at < n; at += 500)
            using (MemoryScope.Begin())
            {
                int k = Math.Min(500, n - at);
                var (p, f) = _net.Run(gan.Generate(latent((g, k))).To(Device.Cpu));
                Array.Copy(p, 0, probs, at * Classifier.Classes, p.Length);
                Array.Copy(f, 0, feats, at * Classifier.FeatureDim, f.Length);
            }
        return (probs, feats);
    }

    /// <summary>
    /// InfoGAN: perCode samples for each value of the categorical code (fresh noise and continuous
    /// codes), classified; then the Hungarian matching of codes to digits on the confusion counts.
    /// </summary>
    public CodeAccuracy? Codes(GanModel gan)
    {
        if (gan.Config.Model != ModelKind.InfoGan) return null;
        int cats = InfoGanD.Categories, perCode = Math.Max(1, Protocol.N / cats);
        var confusion = new int[cats, cats];
        var g = new RandomStream(Protocol.Seed + 1);
        for (int code = 0; code < cats; code++)
        {
            int c = code;
            Tensor Latent((RandomStream, int) a)
            {
                var (gen, k) = a;
                var noise = gan.Noise(k, gen);
                var onehot = new Tensor(NDArray.From(Enumerable.Range(0, k).Select(_ => (float)c).ToArray(), [k], gan.Device)).OneHot(cats);
                var con = Tensor.Uniform([k, InfoGanD.Continuous], -1, 1, device: gan.Device, g: gen);
                return Tensor.Cat([noise, onehot, con], 1);
            }
            var (p, _) = Classify(gan, perCode, Latent, g);
            for (int i = 0; i < perCode; i++) confusion[code, ClassifierTraining.ArgMax(p.AsSpan(i * cats, cats))]++;
        }
        var m = CodeMatching.Match(confusion);
        var (q, information, largestShare) = QOnReal(gan);
        return new CodeAccuracy(m.Accuracy, m.ClassOfCode, perCode,
            ContinuousCodes.Measure(gan, Math.Clamp(Protocol.N / 20, 5, 200), Protocol.Seed + 2),
            q.Accuracy, q.ClassOfCode, _heldCount, information, largestShare, q.Confusion);
    }

    /// <summary>
    /// The InfoGAN paper's metric: Q (in eval mode) names a category for each held-out real digit, and the
    /// best one-to-one matching of categories to true labels says how many it gets right. Unlike the
    /// generated code accuracy no classifier is involved: only Q and the labels.
    /// </summary>
    (CodeMatching.Result Matched, double Information, double LargestShare) QOnReal(GanModel gan)
    {
        const int k = InfoGanD.Categories;
        var idx = _data.HeldIdx.Take(_heldCount).ToArray();
        var probs = QProbabilities(gan, _data.Held, idx);
        var codes = ArgMaxRows(probs, idx.Length, k);
        var (information, largestShare) = LabelFree(probs, idx.Length, k);
        return (CodeMatching.Match(codes, idx.Select(i => (int)_data.Held.Labels[i]).ToArray(), k), information, largestShare);
    }

    /// <summary>Q's category probabilities (eval mode) of images idx of a set: idx.Length rows of k, 500 images at a time.</summary>
    public static double[] QProbabilities(GanModel gan, ImageSet images, int[] idx)
    {
        var probs = new double[idx.Length * InfoGanD.Categories];
        for (int at = 0; at < idx.Length; at += 500)
            using (MemoryScope.Begin())
            {
                var chunk = idx.AsSpan(at, Math.Min(500, idx.Length - at));
                var logits = new Tensor(gan.QCategories(images.Batch(chunk, gan.Config.ImageSize, gan.Device)));
                logits.Softmax(1).ToDoubles().CopyTo(probs, at * InfoGanD.Categories);
            }
        return probs;
    }

    /// <summary>Each of n rows' arg-max category (the first of equals).</summary>
    public static int[] ArgMaxRows(double[] probs, int n, int k) =>
        [.. Enumerable.Range(0, n).Select(i => ClassifierTraining.ArgMax(probs.AsSpan(i * k, k)))];

    /// <summary>
    /// From n images' category probabilities alone (n rows of k): the mutual information H(mean p) − mean H(p) in nats,
    /// which is the mean KL(p(y|x) ∥ p(y)) and so the log of their inception score, and the share of the images in the
    /// most used arg-max category (the class histogram's largest count).
    /// </summary>
    public static (double Information, double LargestShare) LabelFree(double[] probs, int n, int k) =>
        (Math.Log(InceptionScore.Compute(probs, n, k)), ClassHistogram.Of(probs, n, k).Counts.Max() / (double)n);
}
