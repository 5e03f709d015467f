using System.Numerics;

namespace Scratch.Tensors;

/// <summary>
/// A raw N-dimensional array: a <see cref="Storage"/> plus shape, strides and offset that say where
/// each element lives. Element (i0, i1, …) is at Offset + Σ i_k·Strides[k]. Views (reshape, permute,
/// expand, slice) share the storage and only change these numbers. Not differentiable: the
/// autograd Tensor wraps this type. Disposing an array returns its storage to the pool at once
/// (<c>using var cols = x.Im2Col(…)</c>): for a temporary its maker alone reads — views share it.
/// </summary>
public sealed partial class NDArray : IDisposable
{
    public Storage Storage { get; }
    public int[] Shape { get; }
    public int[] Strides { get; }
    public int Offset { get; }
    public DType DType => Storage.DType;
    public Device Device => Storage.Device;
    public IBackend Backend => Storage.Device.Backend;
    public int Rank => Shape.Length;
    public int Numel { get; }

    public NDArray(Storage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage; Shape = shape; Strides = strides; Offset = offset;
        Numel = Tensors.Shape.Numel(shape);
    }

    public string ShapeStr => Tensors.Shape.Str(Shape);

    /// <summary>True when elements are laid out densely in row-major order from Offset.</summary>
    public bool IsContiguous
    {
        get
        {
            int expect = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != expect) return false;
                expect *= Shape[i];
            }
            return true;
        }
    }

    // ---------------- creation ----------------

    public static NDArray Empty(int[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        device ??= Device.Default;
        var st = device.Backend.Allocate(dtype, Tensors.Shape.Numel(shape));
        return new NDArray(st, (int[])shape.Clone(), Tensors.Shape.ContiguousStrides(shape), 0);
    }

    public static NDArray Full(int[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var a = Empty(shape, dtype, device);
        a.Backend.Fill(a, value);
        return a;
    }

    public static NDArray Zeros(int[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 0, dtype, device);
    public static NDArray Ones(int[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 1, dtype, device);
    public NDArray ZerosLike() => Zeros(Shape, DType, Device);
    public NDArray OnesLike() => Ones(Shape, DType, Device);

    /// <summary>0, 1, …, n-1 (as PyTorch's arange(n)).</summary>
    public static NDArray Arange(int n, DType dtype = DType.Float32, Device? device = null) =>
        From(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), [n], dtype, device);

    /// <summary>Copies host values into a new array of the given shape.</summary>
    public static NDArray From<T>(T[] values, int[] shape, Device? device = null) where T : unmanaged
    {
        if (values.Length != Tensors.Shape.Numel(shape))
            throw new ArgumentException($"from: {values.Length} values do not fill shape {Tensors.Shape.Str(shape)}");
        var a = Empty(shape, DTypeExtensions.Of<T>(), device);
        a.Backend.Upload<T>(values, a.Storage);
        return a;
    }

    /// <summary>Host doubles converted to the requested dtype.</summary>
    public static NDArray From(double[] values, int[] shape, DType dtype, Device? device = null) =>
        dtype == DType.Float64 ? From(values, shape, device) : From(Array.ConvertAll(values, v => (float)v), shape, device);

    public static NDArray Scalar(double v, DType dtype = DType.Float32, Device? device = null) => From([v], [], dtype, device);

    public static NDArray Uniform(int[] shape, double low = 0, double high = 1, DType dtype = DType.Float32, Device? device = null,
        RandomStream? g = null) =>
        Random(shape, RandomKind.Uniform, low, high, dtype, device, g);
    public static NDArray Normal(int[] shape, double mean = 0, double std = 1, DType dtype = DType.Float32, Device? device = null,
        RandomStream? g = null) =>
        Random(shape, RandomKind.Normal, mean, std, dtype, device, g);
    public static NDArray Bernoulli(int[] shape, double p, DType dtype = DType.Float32, Device? device = null, RandomStream? g = null) =>
        Random(shape, RandomKind.Bernoulli, p, 0, dtype, device, g);

    static NDArray Random(int[] shape, RandomKind kind, double p0, double p1, DType dtype, Device? device, RandomStream? g)
    {
        g ??= RandomStream.Default;
        var a = Empty(shape, dtype, device);
        a.Backend.Random(a, kind, g.Seed, g.Take(a.Numel), p0, p1);
        return a;
    }

    // ---------------- host access ----------------

    /// <summary>The elements in row-major order, converted to T.</summary>
    public T[] ToArray<T>() where T : unmanaged, INumber<T>
    {
        var c = Contiguous();
        if (c.DType == DTypeExtensions.Of<T>())
        {
            var r = new T[c.Numel];
            c.Backend.Download<T>(c, r);
            return r;
        }
        if (c.DType == DType.Float32) return Array.ConvertAll(c.ToArray<float>(), v => T.CreateTruncating(v));
        return Array.ConvertAll(c.ToArray<double>(), v => T.CreateTruncating(v));
    }

    public double[] ToDoubles() => ToArray<double>();

    /// <summary>The single value of a one-element array.</summary>
    public double Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"item: array of shape {ShapeStr} has {Numel} elements, not 1");
        return ToDoubles()[0];
    }

    /// <summary>A copy on another device (the same array when it is already there).</summary>
    public NDArray To(Device device)
    {
        if (device == Device) return this;
        return DType == DType.Float32 ? From(ToArray<float>(), Shape, device) : From(ToArray<double>(), Shape, device);
    }

    public NDArray To(DType dtype) => dtype == DType ? this : From(ToDoubles(), Shape, dtype, Device);

    /// <summary>Keeps this array's memory alive past the innermost <see cref="MemoryScope"/>.</summary>
    public NDArray Keep() { MemoryScope.Keep(Storage); return this; }

    /// <summary>Returns the storage to the pool now, rather than when its MemoryScope ends (idempotent).</summary>
    public void Dispose() => Storage.Release();
}
