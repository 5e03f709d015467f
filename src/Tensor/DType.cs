namespace Scratch.Tensors;

/// <summary>The element types Scratch computes in. float32 for training, float64 for gradient checks.</summary>
public enum DType { Float32, Float64 }

public static class DTypeExtensions
{
    public static int Size(this DType d) => d == DType.Float32 ? 4 : 8;
    public static string Name(this DType d) => d == DType.Float32 ? "float32" : "float64";
    public static DType Of<T>() => typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : throw new NotSupportedException($"dtype: {typeof(T).Name} is not a Scratch dtype (use float or double)");
}
