using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Toy;

/// <summary>A point of the game: x is the minimising player, y the maximising one.</summary>
public readonly record struct Point(double X, double Y)
{
    public double Norm => Math.Sqrt(X * X + Y * Y);
    public override string ToString() => $"({X:G6}, {Y:G6})";
}

/// <summary>A two-player objective f(x, y): x wants it small, y wants it large.</summary>
public sealed record Game(string Name, string Formula, Func<Tensor, Tensor, Tensor> F)
{
    /// <summary>f(x, y) = x·y: the saddle at the origin is the only equilibrium, min_x max_y xy = 0.</summary>
    public static readonly Game Bilinear = new("xy", "f(x,y) = x·y", (x, y) => x * y);

    /// <summary>f(x, y) = x·y + ½γx² − ½γy² (γ = 0.1): strongly convex–concave, so even plain GDA converges.</summary>
    public static readonly Game Regularised = new("xy-reg", "f(x,y) = x·y + 0.05x² − 0.05y²", (x, y) => x * y + x.Pow(2) * 0.05 - y.Pow(2) * 0.05);

    public static Game Named(string name) => name switch
    {
        "xy" => Bilinear,
        "xy-reg" => Regularised,
        _ => throw new ArgumentException($"unknown function '{name}' (xy or xy-reg)"),
    };

    /// <summary>(∂f/∂x, ∂f/∂y) at p, by reverse-mode autograd — nothing here is differentiated by hand.</summary>
    public (double Dx, double Dy) Gradient(Point p)
    {
        var x = Tensor.From([p.X], [], DType.Float64, Device.Cpu, requiresGrad: true);
        var y = Tensor.From([p.Y], [], DType.Float64, Device.Cpu, requiresGrad: true);
        var g = Engine.Grad([F(x, y)], [x, y]);
        return (g[0]!.Item(), g[1]!.Item());
    }
}

/// <summary>
/// Gradient descent–ascent and its repairs. Each method maps the iterate history to the next point;
/// x always descends (x − η∂f/∂x) and y always ascends (y + η∂f/∂y).
/// </summary>
public static class Methods
{
    public static readonly string[] Names = ["alternating", "simultaneous", "extragradient", "optimistic"];

    public static List<Point> Run(string method, Game game, Point start, double eta, int steps)
    {
        var path = new List<Point> { start };
        Point prev = start;
        for (int t = 0; t < steps; t++)
        {
            var p = path[^1];
            var next = method switch
            {
                "alternating" => Alternating(game, p, eta),
                "simultaneous" => Simultaneous(game, p, eta),
                "extragradient" => Extragradient(game, p, eta),
                "optimistic" => Optimistic(game, p, prev, eta),
                _ => throw new ArgumentException($"unknown method '{method}' ({string.Join(", ", Names)}, or all)"),
            };
            prev = p;
            path.Add(next);
        }
        return path;
    }

    /// <summary>y ascends first, using the current x; then x descends using the new y.</summary>
    // TASK 5.4: one alternating step: y ascends with ∂f/∂y at p, then x descends with ∂f/∂x at (x, the new y)
    public static Point Alternating(Game g, Point p, double eta)
    {
        double y = p.Y + eta * g.Gradient(p).Dy;
        double x = p.X - eta * g.Gradient(new Point(p.X, y)).Dx;
        return new Point(x, y);
    }

    /// <summary>Both players step from the same point.</summary>
    public static Point Simultaneous(Game g, Point p, double eta)
    {
        var (dx, dy) = g.Gradient(p);
        return new Point(p.X - eta * dx, p.Y + eta * dy);
    }

    /// <summary>Korpelevich's extragradient: look ahead one step, then step from p with the look-ahead's gradient.</summary>
    // TASK 5.5: extragradient: a simultaneous look-ahead step, then step from p with the gradient at the look-ahead point
    public static Point Extragradient(Game g, Point p, double eta)
    {
        var half = Simultaneous(g, p, eta);
        var (dx, dy) = g.Gradient(half);
        return new Point(p.X - eta * dx, p.Y + eta * dy);
    }

    /// <summary>Optimistic GDA: step with 2·(this gradient) − (the previous one), a cheap look-ahead.</summary>
    // TASK 5.6: optimistic GDA: step from p with 2·(gradient at p) − (gradient at prev), x down and y up
    public static Point Optimistic(Game g, Point p, Point prev, double eta)
    {
        var (dx, dy) = g.Gradient(p);
        var (px, py) = g.Gradient(prev);
        return new Point(p.X - eta * (2 * dx - px), p.Y + eta * (2 * dy - py));
    }
}
