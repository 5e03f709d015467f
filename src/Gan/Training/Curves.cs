namespace Scratch.Gan.Training;

/// <summary>Learning curves (curves.png) drawn with ScottPlot from the metrics of a run.</summary>
public static class Curves
{
    public static void Save(string path, IReadOnlyList<(string Name, double[] X, double[] Y)> series, string title, string xLabel = "iteration", string yLabel = "loss")
    {
        var plt = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(y[i])).ToArray();
            if (ok.Length == 0) continue;
            var s = plt.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray());
            s.LegendText = name;
            s.MarkerSize = 0;
            s.LineWidth = 1.5f;
        }
        plt.Title(title);
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        plt.ShowLegend();
        var tmp = path + ".tmp.png";
        plt.SavePng(tmp, 900, 500);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Smooths a noisy series with a trailing moving average (window w).</summary>
    public static double[] Smooth(double[] y, int w)
    {
        var r = new double[y.Length];
        double sum = 0; int count = 0;
        var q = new Queue<double>();
        foreach (var (v, i) in y.Select((v, i) => (v, i)))
        {
            if (!double.IsFinite(v)) { r[i] = double.NaN; continue; }
            q.Enqueue(v); sum += v; count++;
            if (q.Count > w) { sum -= q.Dequeue(); count--; }
            r[i] = sum / count;
        }
        return r;
    }
}
