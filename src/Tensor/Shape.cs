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

    /// <summary>
    /// The simplest walk over arrays of one shape that are visited together (an op's operands and its
    /// destination): size-1 dims are dropped and neighbours i, i+1 merged when every array's
    /// stride[i] == stride[i+1]·size[i+1], i.e. steps over the pair as over one dim. Always at least
    /// one dim (a single element is [1] with stride 1). Both backends plan their loops with it.
    /// </summary>
    public static (int[] Dims, int[][] Strides) Coalesce(int[] shape, int[][] strides)
    {
        var dims = new List<int>();
        var st = strides.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            int last = dims.Count - 1;
            bool merge = last >= 0;
            for (int k = 0; merge && k < strides.Length; k++) merge = st[k][last] == strides[k][i] * shape[i];
            if (merge)
            {
                dims[last] *= shape[i];
                for (int k = 0; k < strides.Length; k++) st[k][last] = strides[k][i];
                continue;
            }
            dims.Add(shape[i]);
            for (int k = 0; k < strides.Length; k++) st[k].Add(strides[k][i]);
        }
        if (dims.Count == 0) { dims.Add(1); foreach (var s in st) s.Add(1); }
        return (dims.ToArray(), st.Select(s => s.ToArray()).ToArray());
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
