using System.Globalization;
using System.Text;

namespace Scratch.Tensors;

// A PyTorch-like printout: values with dims nested in brackets, long dims elided with "...".
public sealed partial class NDArray
{
    public override string ToString()
    {
        if (Storage.IsReleased) return $"tensor(<released>, shape={ShapeStr}, dtype={DType.Name()}, device={Device})";
        var v = ToDoubles();
        bool integral = v.All(x => x == Math.Floor(x) && Math.Abs(x) < 1e6);
        string Fmt(double x) => integral ? x.ToString("0.", CultureInfo.InvariantCulture)
            : Math.Abs(x) >= 1e4 || (x != 0 && Math.Abs(x) < 1e-3) ? x.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            : x.ToString("0.0000", CultureInfo.InvariantCulture);
        var sb = new StringBuilder("tensor(");
        if (Rank == 0) sb.Append(Fmt(v[0]));
        else Write(sb, v, 0, 0, Fmt, 7);
        sb.Append($", shape={ShapeStr}, dtype={DType.Name()}, device={Device})");
        return sb.ToString();
    }

    void Write(StringBuilder sb, double[] v, int dim, int offset, Func<double, string> fmt, int indent)
    {
        int n = Shape[dim], inner = Shape.Skip(dim + 1).Aggregate(1, (p, d) => p * d);
        bool elide = Numel > 1000 && n > 6;
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (elide && i == 3) { sb.Append(dim == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1)); i = n - 4; continue; }
            if (dim == Rank - 1) sb.Append(fmt(v[offset + i]));
            else Write(sb, v, dim + 1, offset + i * inner, fmt, indent);
            if (i < n - 1) sb.Append(dim == Rank - 1 ? ", " : ",\n" + (dim < Rank - 2 ? "\n" : "") + new string(' ', indent + dim + 1));
        }
        sb.Append(']');
    }
}
