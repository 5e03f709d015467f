namespace Scratch.Toy;

/// <summary>All methods' trajectories on one figure, with the saddle marked.</summary>
public static class Plot
{
    public static void Save(string path, Dictionary<string, List<Point>> paths, Program.Options o)
    {
        var plt = new ScottPlot.Plot();
        foreach (var (m, pts) in paths)
        {
            var s = plt.Add.Scatter(pts.Select(p => p.X).ToArray(), pts.Select(p => p.Y).ToArray());
            s.LegendText = m;
            s.MarkerSize = 4;
        }
        var saddle = plt.Add.Marker(0, 0);
        saddle.LegendText = "saddle (0, 0)";
        saddle.MarkerSize = 10;
        plt.Title($"{o.Game.Formula}, η = {o.Eta}, {o.Steps} steps");
        plt.XLabel("x (minimises)");
        plt.YLabel("y (maximises)");
        plt.Axes.SquareUnits();
        plt.ShowLegend();
        plt.SavePng(path, 700, 700);
    }
}
