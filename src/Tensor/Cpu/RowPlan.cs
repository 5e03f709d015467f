namespace Scratch.Tensors.Cpu;

/// <summary>
/// How the CPU backend walks strided arrays: dims that are jointly contiguous for every operand are
/// merged ("coalesced"), then the array is visited as rows of the last merged dim, so inner loops run
/// over long runs with a fixed stride — usually 1, where the SIMD fast paths apply.
/// </summary>
internal sealed class RowPlan
{
    public readonly int Rows, Len;
    readonly int[] _outer;          // sizes of the outer dims
    readonly int[][] _strides;      // per operand: strides of the outer dims
    public readonly int[] Inner;    // per operand: stride along a row
    readonly int[] _base;           // per operand: where its first element is in its array

    public RowPlan(int[] shape, params NDArray[] ops)
    {
        var (dims, st) = Shape.Coalesce(shape, ops.Select(o => o.Strides).ToArray());
        Len = dims[^1];
        _outer = dims[..^1];
        Rows = _outer.Aggregate(1, (p, d) => p * d);
        if (Shape.Numel(shape) == 0) Rows = 0;
        _strides = st.Select(s => s[..^1]).ToArray();
        Inner = st.Select(s => s[^1]).ToArray();
        _base = ops.Select(CpuBackend.Start).ToArray();
    }

    /// <summary>Offset of row r's first element in operand j.</summary>
    public int Start(int j, int r)
    {
        int off = _base[j];
        var s = _strides[j];
        for (int d = _outer.Length - 1; d >= 0; d--) { off += (r % _outer[d]) * s[d]; r /= _outer[d]; }
        return off;
    }

    /// <summary>
    /// Runs body(row, colStart, colEnd) over all rows, split over threads in a fixed way (so results
    /// never depend on scheduling). Small jobs stay on the calling thread.
    /// </summary>
    public void Run(Action<int, int, int> body, long workPerElement = 1) => Parallel(Rows, Len, body, workPerElement);

    /// <summary>
    /// workPerElement: how many inputs each output element reads (a reduction's length), so that a
    /// small output of a large reduction — BatchNorm's sum of [64,128,16,16] into 32,768 partial
    /// sums — is still split over threads; it ran on one thread before.
    /// </summary>
    public static void Parallel(int rows, int len, Action<int, int, int> body, long workPerElement = 1)
    {
        long total = (long)rows * len * Math.Max(1, workPerElement);
        int threads = (int)Math.Min(CpuInfo.Threads, total >> 15);
        if (threads <= 1) { for (int r = 0; r < rows; r++) body(r, 0, len); return; }
        if (rows >= threads)
            ForkJoin.Run(threads, t =>
            {
                for (int r = (int)((long)rows * t / threads), e = (int)((long)rows * (t + 1) / threads); r < e; r++) body(r, 0, len);
            });
        else
            ForkJoin.Run(threads, t =>
            {
                int c0 = (int)((long)len * t / threads), c1 = (int)((long)len * (t + 1) / threads);
                for (int r = 0; r < rows; r++) body(r, c0, c1);
            });
    }

    /// <summary>
    /// Runs body(row) once per row, rows split over threads in fixed bands, never inside a row: for
    /// rows that are whole units of work (an image plane, a dot-product row). Small jobs stay serial.
    /// </summary>
    public static void ForEachRow(int rows, long workPerRow, Action<int> body)
    {
        int threads = (int)Math.Min(Math.Min(CpuInfo.Threads, rows), rows * workPerRow >> 15);
        if (threads <= 1) { for (int r = 0; r < rows; r++) body(r); return; }
        ForkJoin.Run(threads, t => { for (int r = (int)((long)rows * t / threads), e = (int)((long)rows * (t + 1) / threads); r < e; r++) body(r); });
    }
}
