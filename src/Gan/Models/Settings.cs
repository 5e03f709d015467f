using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scratch.Gan.Models;

/// <summary>The zoo's models (docs/gans.md has the table). The name is what --model and config.json say.</summary>
[Setting("model"), JsonConverter(typeof(SettingConverter<ModelKind>))]
public enum ModelKind
{
    [JsonStringEnumMemberName("vanilla")] Vanilla,
    [JsonStringEnumMemberName("lsgan")] Lsgan,
    [JsonStringEnumMemberName("dcgan")] Dcgan,
    [JsonStringEnumMemberName("dcgan64")] Dcgan64,
    [JsonStringEnumMemberName("wgan")] Wgan,
    [JsonStringEnumMemberName("wgan-gp")] WganGp,
    [JsonStringEnumMemberName("infogan")] InfoGan,
}

/// <summary>The adversarial losses (Models/GanLosses.cs).</summary>
[Setting("loss"), JsonConverter(typeof(SettingConverter<LossKind>))]
public enum LossKind
{
    [JsonStringEnumMemberName("nonsaturating")] NonSaturating,
    [JsonStringEnumMemberName("minimax")] Minimax,
    [JsonStringEnumMemberName("lsgan")] LeastSquares,
    [JsonStringEnumMemberName("wgan")] Wasserstein,
    [JsonStringEnumMemberName("wgan-gp")] WassersteinGp,
}

/// <summary>The optimizer of both networks.</summary>
[Setting("optimizer"), JsonConverter(typeof(SettingConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("adam")] Adam,
    [JsonStringEnumMemberName("rmsprop")] RmsProp,
}

/// <summary>G's noise: U(−1, 1) as in CS231n, or N(0, 1).</summary>
[Setting("noise"), JsonConverter(typeof(SettingConverter<NoiseKind>))]
public enum NoiseKind
{
    [JsonStringEnumMemberName("uniform")] Uniform,
    [JsonStringEnumMemberName("normal")] Normal,
}

/// <summary>
/// The network family behind a model (Models/Architectures.cs). Chosen by the model and image size;
/// config.json names it only where that choice changed (wgan-gp at 28×28), so older runs keep theirs.
/// </summary>
[Setting("architecture"), JsonConverter(typeof(SettingConverter<ArchitectureKind>))]
public enum ArchitectureKind
{
    [JsonStringEnumMemberName("mlp")] Mlp,
    [JsonStringEnumMemberName("dcgan")] Dcgan,
    [JsonStringEnumMemberName("dcgan64")] Dcgan64,
    [JsonStringEnumMemberName("infogan")] InfoGan,
    /// <summary>Gulrajani et al.'s MNIST networks (improved_wgan_training, gan_mnist.py).</summary>
    [JsonStringEnumMemberName("wgan-gp-mnist")] WganGpMnist,
}

/// <summary>
/// Which of InfoGAN's losses carry the information term, and so which optimizer trains Q's head.
/// both: subtracted from D's and G's losses, as openai/InfoGAN does — D's optimizer trains the shared
/// trunk and Q's head to keep the code recoverable, G's optimizer trains G. g-and-q: only in G's loss,
/// whose optimizer also trains Q's head (D's trunk is then shaped by the real/fake loss alone).
/// </summary>
[Setting("info training"), JsonConverter(typeof(SettingConverter<InfoTraining>))]
public enum InfoTraining
{
    [JsonStringEnumMemberName("both")] Both,
    [JsonStringEnumMemberName("g-and-q")] GAndQ,
}

/// <summary>
/// How InfoGAN's Q models a continuous code: unit-variance Gaussian around Q's mean (openai/InfoGAN's
/// fix_std, the information term is then ½(c − μ)² summed over the codes), or a learnt variance per code
/// (the Gaussian negative log-likelihood, averaged over the codes).
/// </summary>
[Setting("continuous-code model"), JsonConverter(typeof(SettingConverter<InfoContinuous>))]
public enum InfoContinuous
{
    [JsonStringEnumMemberName("unit-variance")] UnitVariance,
    [JsonStringEnumMemberName("learnt-variance")] LearntVariance,
}

/// <summary>
/// What --info-max asks a real digit's category to survive: shifts of up to 2 pixels (IMSAT's kind of self-augmentation),
/// or affine changes — a rotation, a change of scale and the shift — as IIC's MNIST transforms, so that Q cannot
/// sort one digit's images into two categories by slant or size.
/// </summary>
[Setting("info-max augmentation"), JsonConverter(typeof(SettingConverter<InfoMaxAugment>))]
public enum InfoMaxAugment
{
    [JsonStringEnumMemberName("shift")] Shift,
    [JsonStringEnumMemberName("affine")] Affine,
}

/// <summary>
/// Critic (D) steps before each generator step. constant: n_critic every time. wgan-warmup: 100 for
/// the first 25 generator steps and before every 500th, n_critic otherwise, as martinarjovsky/WassersteinGAN
/// does, so the clipped critic is near its optimum while G is young and is re-trained now and then.
/// </summary>
[Setting("critic schedule"), JsonConverter(typeof(SettingConverter<CriticSchedule>))]
public enum CriticSchedule
{
    [JsonStringEnumMemberName("constant")] Constant,
    [JsonStringEnumMemberName("wgan-warmup")] WganWarmup,
}

/// <summary>What a setting enum is called in messages ("unknown model 'x'").</summary>
[AttributeUsage(AttributeTargets.Enum)]
public sealed class SettingAttribute(string what) : Attribute
{
    public string What { get; } = what;
}

/// <summary>
/// The text form of the setting enums: one name per value, read from its [JsonStringEnumMemberName],
/// shared by the command line (choices, help, parsing) and config.json, so old runs keep loading.
/// Parsing happens here, at the edge; everything inside compares enum values.
/// </summary>
public static class Setting
{
    /// <summary>The names of every value, in declaration order (what help lists).</summary>
    public static string[] Names<T>() where T : struct, Enum => Table<T>.Names;

    public static string Name<T>(T value) where T : struct, Enum => Table<T>.Names[Array.IndexOf(Table<T>.Values, value)];

    /// <summary>The name of any setting value (for help text that shows defaults of several kinds).</summary>
    public static string NameOf(Enum value) =>
        value.GetType().GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        int i = text == null ? -1 : Array.IndexOf(Table<T>.Names, text);
        value = i >= 0 ? Table<T>.Values[i] : default;
        return i >= 0;
    }

    /// <summary>The value named by text; an unknown name is an ArgumentException that lists the names.</summary>
    public static T Parse<T>(string text) where T : struct, Enum =>
        TryParse<T>(text, out var v) ? v
            : throw new ArgumentException($"unknown {Table<T>.What} '{text}' (choose one of {string.Join(", ", Table<T>.Names)})");

    static class Table<T> where T : struct, Enum
    {
        public static readonly T[] Values = Enum.GetValues<T>();
        public static readonly string[] Names = Values.Select(v => NameOf(v)).ToArray();
        public static readonly string What = typeof(T).GetCustomAttribute<SettingAttribute>()?.What ?? typeof(T).Name;
    }
}

/// <summary>
/// Reads and writes a setting as its name. An unknown name in a config.json is an ArgumentException
/// ("unknown model 'stylegan' (choose one of …)"), which GanConfig.FromJson reports with the file's path.
/// </summary>
public sealed class SettingConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Setting.Parse<T>(reader.GetString()!) : throw new JsonException();

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Setting.Name(value));
}
