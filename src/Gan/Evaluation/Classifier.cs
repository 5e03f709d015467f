using Scratch.Autograd;
using Scratch.Gan.Data;
using Scratch.Gan.Images;
using Scratch.Layers;
using Scratch.Tensors;

namespace Scratch.Gan.Evaluation;

/// <summary>
/// The judge of generated digits: a LeNet-style CNN (two 5×5 conv + max-pool stages, a 128-unit
/// hidden layer, 10 logits) built from src/Layers. Its softmax gives the Inception score and the
/// class histogram; its 128 penultimate activations are the feature space of the Fréchet distance,
/// KID and precision/recall (the role Inception-v3's pool3 plays for natural images).
/// </summary>
public sealed class Classifier : Module
{
    public const int Classes = 10, FeatureDim = 128, Side = 28;
    public const string Format = "scratch-mnist-classifier";

    /// <summary>Input [N, 1, 28, 28] in [−1, 1] → features [N, 128] (after ReLU).</summary>
    public Sequential Features { get; }
    public Sequential Head { get; }

    public Classifier(RandomStream? g = null)
    {
        Features = Child("features", new Sequential(
            new Conv2d(1, 32, 5, padding: 2, g: g), new ReLU(), new MaxPool2d(2),    // 28×28 → 14×14
            new Conv2d(32, 64, 5, padding: 2, g: g), new ReLU(), new MaxPool2d(2),   // 14×14 → 7×7
            new Flatten(), new Linear(64 * 7 * 7, FeatureDim, g: g), new ReLU()));
        // Dropout only regularises training; in eval mode it is the identity, so features are deterministic.
        Head = Child("head", new Sequential(new Dropout(0.3, g), new Linear(FeatureDim, Classes, g: g)));
        Fusion.Apply(this);   // each conv's or linear's bias add and the ReLU after it in one pass
    }

    public override Tensor Forward(Tensor x) => Head.Call(Features.Call(x));

    /// <summary>Softmax probabilities [n·10] and features [n·128] of images [n, 1, S, S] in [−1, 1], row-major, in double.</summary>
    public (double[] Probs, double[] Features) Run(NDArray images, int chunk = 500)
    {
        int n = images.Shape[0];
        if (images.Rank != 4 || images.Shape[1] != 1) throw new ArgumentException($"classifier: images must be [N, 1, H, W], got {images.ShapeStr}");
        var probs = new double[n * Classes];
        var feats = new double[n * FeatureDim];
        bool was = Training;
        Eval();
        try
        {
            using (GradMode.NoGrad())
                for (int at = 0; at < n; at += chunk)
                    using (MemoryScope.Begin())
                    {
                        int k = Math.Min(chunk, n - at);
                        var x = To28(images.Slice(0, at, at + k).Contiguous().To(Device));
                        var f = Features.Call(new Tensor(x));
                        var p = Head.Call(f).Softmax(1);
                        Array.Copy(p.ToDoubles(), 0, probs, at * Classes, k * Classes);
                        Array.Copy(f.ToDoubles(), 0, feats, at * FeatureDim, k * FeatureDim);
                    }
        }
        finally { Train(was); }
        return (probs, feats);
    }

    /// <summary>64×64 generators (dcgan64) are judged at the classifier's 28×28, resized as the data loader resizes.</summary>
    static NDArray To28(NDArray x)
    {
        int h = x.Shape[2], w = x.Shape[3];
        if (h == Side && w == Side) return x;
        var v = x.ToArray<float>();
        int n = x.Shape[0];
        var outp = new float[n * Side * Side];
        var bytes = new byte[h * w];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < h * w; j++) bytes[j] = Grid.ToByte(v[i * h * w + j]);
            Resize.Bilinear(bytes, h, w, outp.AsSpan(i * Side * Side, Side * Side), Side, Side);
        }
        return NDArray.From(outp, [n, 1, Side, Side], x.Device);
    }

    public void Save(string path, IReadOnlyDictionary<string, string> about)
    {
        var meta = new Dictionary<string, string>(about) { ["format"] = Format };
        Checkpoint.Save(this, path, meta);
    }

    /// <summary>Loads classifier weights from a file, checking it is one of ours before touching the model.</summary>
    public static (Classifier Net, Dictionary<string, string> About) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"classifier '{path}' does not exist");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    public const string EmbeddedName = "classifier/mnist10k-lenet.safetensors";

    /// <summary>The classifier shipped inside the program (trained on the embedded digits; see its README).</summary>
    public static (Classifier Net, Dictionary<string, string> About) Embedded()
    {
        using var s = typeof(Classifier).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidDataException(
                $"the program has no embedded classifier ({EmbeddedName}); train one with `scratch classifier train` and pass --classifier FILE");
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return FromBytes(ms.ToArray(), "embedded " + EmbeddedName);
    }

    static (Classifier, Dictionary<string, string>) FromBytes(byte[] bytes, string name)
    {
        var (tensors, meta) = SafeTensors.Load(bytes, name);
        if (!meta.TryGetValue("format", out var f) || f != Format)
            throw new InvalidDataException($"'{name}' is a safetensors file but not a Scratch MNIST classifier");
        var net = new Classifier();
        net.LoadStateDict(tensors);
        net.Eval();
        return (net, meta);
    }
}
