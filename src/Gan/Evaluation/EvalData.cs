using Scratch.Gan.Data;

namespace Scratch.Gan.Evaluation;

/// <summary>
/// Which real images train the classifier, which it never sees (held out), and which serve as the
/// real reference of the metrics. The same rule everywhere, so `classifier train` and `eval` agree:
/// a folder with MNIST's t10k files holds out t10k; otherwise the last 20 % of the training file
/// (for the embedded 10,000 digits: images 8,000–9,999) is held out.
/// </summary>
public sealed record EvalData(ImageSet Train, int[] TrainIdx, ImageSet Held, int[] HeldIdx, string Description)
{
    public const double HeldFraction = 0.2;

    public static EvalData Load(string? dir)
    {
        var train = dir == null || dir == "embedded" ? ImageSet.Embedded() : ImageSet.FromFolder(dir);
        if (dir != null && dir != "embedded")
        {
            var (ti, tl) = (ImageSet.FindIdx(dir, "t10k-images-idx3-ubyte"), ImageSet.FindIdx(dir, "t10k-labels-idx1-ubyte"));
            if (ti != null && tl != null)
            {
                var test = ImageSet.FromFiles(ti, tl, dir + " (t10k)");
                return new EvalData(train, Enumerable.Range(0, train.Count).ToArray(), test, Enumerable.Range(0, test.Count).ToArray(),
                    $"{dir}: training split its {train.Count} training images, held out its {test.Count} t10k images");
            }
        }
        int held = (int)Math.Round(train.Count * HeldFraction);
        int cut = train.Count - held;
        if (cut < 1 || held < 1) throw new InvalidDataException($"{train.Source}: {train.Count} images are too few to hold some out");
        return new EvalData(train, Enumerable.Range(0, cut).ToArray(), train, Enumerable.Range(cut, held).ToArray(),
            $"{train.Source}: training split images 0–{cut - 1}, held out {cut}–{train.Count - 1}");
    }
}
