namespace Scratch.Tensors.Ilgpu;

/// <summary>
/// Where each element of an array (rank ≤ 6) lives: offset + Σ coord·stride. Dims are stored
/// right-aligned (D5 is the innermost) and only the <see cref="Rank"/> innermost ones are real, so
/// <see cref="At"/> does one div/rem pair per real dim beyond the first — a layout collapsed to one
/// dim costs a multiply, not the 5 div/rem pairs of a full rank-6 walk.
/// </summary>
public struct Strided
{
    public int Offset, Rank, D1, D2, D3, D4, D5, S0, S1, S2, S3, S4, S5;

    /// <summary>Storage index of the element with row-major linear index i.</summary>
    public readonly int At(int i)
    {
        int o = Offset;
        if (Rank <= 1) return o + i * S5;
        o += (i % D5) * S5; i /= D5;
        if (Rank == 2) return o + i * S4;
        o += (i % D4) * S4; i /= D4;
        if (Rank == 3) return o + i * S3;
        o += (i % D3) * S3; i /= D3;
        if (Rank == 4) return o + i * S2;
        o += (i % D2) * S2; i /= D2;
        if (Rank == 5) return o + i * S1;
        o += (i % D1) * S1; i /= D1;
        return o + i * S0;
    }

    public static Strided Of(NDArray a) => Of(a.Shape, a.Strides, a.Offset);

    public static Strided Of(int[] shape, int[] strides, int offset)
    {
        if (shape.Length > 6)
            throw new NotSupportedException($"ilgpu: arrays of rank {shape.Length} are not supported (at most 6 dims), shape {Shape.Str(shape)}");
        var d = new int[6]; var s = new int[6];
        Array.Fill(d, 1);
        int lead = 6 - shape.Length;
        for (int i = 0; i < shape.Length; i++) { d[lead + i] = shape[i]; s[lead + i] = strides[i]; }
        return new Strided
        {
            Offset = offset, Rank = Math.Max(1, shape.Length),
            D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5], S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5]
        };
    }
}

/// <summary>
/// The layouts of arrays walked together, coalesced (<see cref="Shape.Coalesce"/>). A result of one
/// dim with unit strides is the contiguous fast path: a kernel indexes it linearly, with no div/rem.
/// </summary>
public static class Collapse
{
    public readonly record struct Plan(bool Linear, int[] Shape, int[][] Strides);

    public static Plan Of(int[] shape, params NDArray[] arrays)
    {
        // The common case, every operand dense in the shape they share: one dim, unit strides, which
        // is what coalescing would find — without its allocations on every launch.
        bool dense = true;
        foreach (var a in arrays) dense &= a.IsContiguous;
        if (dense)
            return new Plan(true, [Tensors.Shape.Numel(shape)], Array.ConvertAll(arrays, _ => new[] { 1 }));
        return Of(shape, arrays.Select(a => a.Strides).ToArray());
    }

    public static Plan Of(int[] shape, int[][] arrayStrides)
    {
        var (dims, strides) = Tensors.Shape.Coalesce(shape, arrayStrides);
        return new Plan(dims.Length == 1 && strides.All(s => s[0] == 1), dims, strides);
    }

    /// <summary>Array k's layout under the plan, for the strided kernels.</summary>
    public static Strided Layout(Plan p, int k, int offset) => Strided.Of(p.Shape, p.Strides[k], offset);
}

/// <summary>Batched matmul operand layout: c[b,i,j] = Σ_p a[b,i,p]·b[b,p,j].</summary>
public struct MatMulArgs { public int Ao, As0, As1, As2, Bo, Bs0, Bs1, Bs2, Co, M, N, K, Inner; }

/// <summary>One convolution's sizes for im2col / col2im (plain fields: kernels take no properties).</summary>
public struct ConvArgs
{
    public int N, C, H, W, KH, KW, SH, SW, PH, PW, OH, OW, Xo, Co, Io;
    public static ConvArgs Of(ConvGeometry g, int n, int xo, int co, int io = 0) =>
        new() { Io = io, N = n, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW, OH = g.OH, OW = g.OW,
            Xo = xo, Co = co };
}
