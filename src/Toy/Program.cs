using System.Globalization;
using System.Text;

namespace Scratch.Toy;

/// <summary>
/// `dotnet run --project src/Toy -- [--method M|all] [--eta η] [--steps N] [--start x,y] [--function xy|xy-reg]
/// [--csv FILE] [--plot FILE]`. Prints what the game is, a table of iterates per method, and how far
/// each ends from the saddle.
/// </summary>
public static class Program
{
    public sealed record Options(string[] Methods, double Eta, int Steps, Point Start, Game Game, string? Csv, string? Plot);

    public static int Main(string[] argv)
    {
        try
        {
            var o = Parse(argv);
            Console.Write(Report(o, out var paths));
            if (o.Csv != null) { WriteCsv(o.Csv, paths); Console.WriteLine($"iterates written to {o.Csv}"); }
            if (o.Plot != null) { Plot.Save(o.Plot, paths, o); Console.WriteLine($"trajectories plotted in {o.Plot}"); }
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("scratch-toy: " + e.Message);
            return 2;
        }
    }

    public static Options Parse(string[] argv)
    {
        string method = "alternating", function = "xy";
        string? csv = null, plot = null;
        double eta = 1; int steps = 6; var start = new Point(1, 1);
        for (int i = 0; i < argv.Length; i++)
        {
            string Value() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            switch (argv[i])
            {
                case "--method": method = Value(); break;
                case "--function": function = Value(); break;
                case "--eta":
                    eta = Number("--eta", Value());
                    if (eta <= 0) throw new ArgumentException($"--eta must be positive (got {argv[i]})");
                    break;
                case "--steps":
                    var s = Value();
                    if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out steps) || steps <= 0)
                        throw new ArgumentException($"--steps must be a positive whole number (got '{s}')");
                    break;
                case "--start":
                    var parts = Value().Split(',');
                    if (parts.Length != 2) throw new ArgumentException("--start takes x,y (for example --start 1,1)");
                    start = new Point(Number("--start", parts[0]), Number("--start", parts[1]));
                    break;
                case "--csv": csv = Value(); break;
                case "--plot": plot = Value(); break;
                case "--help" or "-h":
                    throw new ArgumentException(
                        "usage: scratch-toy [--method alternating|simultaneous|extragradient|optimistic|all] [--eta X] [--steps N] [--start x,y] " +
                        "[--function xy|xy-reg] [--csv FILE] [--plot FILE]");
                default: throw new ArgumentException($"unknown option '{argv[i]}' (try --help)");
            }
        }
        var methods = method == "all" ? Methods.Names : Methods.Names.Contains(method) ? [method]
            : throw new ArgumentException($"unknown method '{method}' (choose {string.Join(", ", Methods.Names)} or all)");
        return new Options(methods, eta, steps, start, Game.Named(function), csv, plot);
    }

    static double Number(string opt, string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new ArgumentException($"{opt}: '{s}' is not a number");

    public static string Report(Options o, out Dictionary<string, List<Point>> paths)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{o.Game.Formula}: x minimises, y maximises.");
        if (o.Game == Game.Bilinear)
            sb.AppendLine("min_x max_y xy = 0, reached at x = 0: the only equilibrium is the saddle at the origin (0, 0).");
        sb.AppendLine($"step η = {o.Eta}, {o.Steps} steps from {o.Start}; gradients by reverse-mode autograd.");
        paths = new();
        foreach (var m in o.Methods)
        {
            var path = Methods.Run(m, o.Game, o.Start, o.Eta, o.Steps);
            paths[m] = path;
            sb.AppendLine().AppendLine($"{m}:").AppendLine($"  {"t",4}  {"x_t",12}  {"y_t",12}  {"|z_t|",10}");
            for (int t = 0; t < path.Count; t++)
                if (path.Count <= 25 || t < 10 || t >= path.Count - 5)
                    sb.AppendLine($"  {t,4}  {path[t].X,12:G6}  {path[t].Y,12:G6}  {path[t].Norm,10:G4}");
                else if (t == 10) sb.AppendLine("   ...");
            sb.AppendLine($"  {Verdict(m, path, o.Eta, o.Game)}");
        }
        return sb.ToString();
    }

    // What the run shows, in one line, with the theory behind it for f = xy.
    static string Verdict(string m, List<Point> path, double eta, Game g)
    {
        double r0 = path[0].Norm, r = path[^1].Norm;
        int period = Enumerable.Range(1, path.Count - 1)
            .FirstOrDefault(t => Math.Abs(path[t].X - path[0].X) < 1e-9 && Math.Abs(path[t].Y - path[0].Y) < 1e-9);
        var norms = path.Select(q => q.Norm).ToArray();
        int third = Math.Max(1, norms.Length / 3);
        bool outward = r > r0 * 1.001 && norms.Zip(norms.Skip(1), (a, b) => b >= a - 1e-12).All(ok => ok);
        bool inward = norms.TakeLast(third).Max() < 0.9 * norms.Take(third).Max();
        string trend = outward ? "spiralling outward" : inward ? "converging to the saddle"
            : "circling on a bounded orbit, never reaching the saddle";
        string why = g != Game.Bilinear ? "" : m switch
        {
            "alternating" => " — each step is a rotation with determinant 1 (period 6 at η = 1)",
            "simultaneous" => $" — |z| grows by √(1+η²) = {Math.Sqrt(1 + eta * eta):G4} each step",
            "extragradient" => $" — |λ|² = 1 − η² + η⁴ = {1 - eta * eta + Math.Pow(eta, 4):G4}",
            _ => "",
        };
        return $"{trend}: |z| {r0:G4} → {r:G4}{(period > 0 ? $", back at the start after {period} steps" : "")}{why}";
    }

    static void WriteCsv(string path, Dictionary<string, List<Point>> paths)
    {
        var lines = new List<string> { "method,t,x,y" };
        foreach (var (m, pts) in paths)
            lines.AddRange(pts.Select((p, t) => string.Create(CultureInfo.InvariantCulture, $"{m},{t},{p.X:R},{p.Y:R}")));
        File.WriteAllLines(path, lines);
    }
}
