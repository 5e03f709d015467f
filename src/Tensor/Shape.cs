namespace Scratch.Tensors;

/// <summary>
/// Shape arithmetic: row-major strides, element counts, NumPy broadcasting, and the readable
/// "[128,784]" form every error message uses. Shapes are plain int[]; nothing here allocates storage.
/// </summary>
public static class Shape
{
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"shape {Str(shape)} has more than 2^31 elements");
        return (int)n;
    }

    /// <summary>Row-major (C-order) strides: the last dimension moves fastest.</summary>
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(shape[i], 1); }
        return s;
    }

    public static string Str(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool Same(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>
    /// NumPy broadcasting: align shapes on the right; each pair of sizes must be equal or one of them 1.
    /// </summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            int db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Str(a)} and {Str(b)} cannot broadcast (dimension {i}: {da} vs {db})");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Turns a possibly negative axis (-1 = last) into an index, or throws naming the op.</summary>
    public static int Axis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ArgumentException($"{op}: axis {axis} is out of range for a tensor of rank {rank}");
        return a;
    }
}
