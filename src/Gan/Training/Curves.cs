using Scratch.Layers;
using ScottPlot;   // the Multiplot extension methods (AddPlot, Render) live in this namespace

namespace Scratch.Gan.Training;

/// <summary>Learning curves (curves.png) drawn with ScottPlot from the metrics of a run.</summary>
public static class Curves
{
    /// <summary>The loss curves; a non-empty panel (evaluation metrics) is drawn as a second plot below them.</summary>
    public static void Save(string path, IReadOnlyList<(string Name, double[] X, double[] Y)> series, string title, string xLabel = "iteration",
        string yLabel = "loss", IReadOnlyList<(string Name, double[] X, double[] Y)>? panel = null)
    {
        var plt = Plot(series, title, xLabel, yLabel, lines: true);
        ScottPlot.Image image;
        if (panel is { Count: > 0 })
        {
            var mp = new ScottPlot.Multiplot();
            mp.Reset(plt);   // a new Multiplot holds an empty plot of its own: replace it, or it is drawn as a blank first panel
            // The Fréchet distance runs to hundreds where IS and class counts stay below 10: it gets the right axis.
            mp.AddPlot(Plot(panel, "evaluation (docs/evaluation.md)", xLabel, "IS, classes covered", lines: false, rightAxis: "Fréchet distance"));
            image = mp.Render(900, 900);
        }
        else image = plt.GetImage(900, 500);
        using (image) AtomicFile.Write(path, image.GetImageBytes(ImageFormat.Png, 100), "curves.png");
    }

    static ScottPlot.Plot Plot(IReadOnlyList<(string Name, double[] X, double[] Y)> series, string title, string xLabel, string yLabel, bool lines,
        string? rightAxis = null)
    {
        var plt = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(y[i])).ToArray();
            if (ok.Length == 0) continue;
            var s = plt.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray());
            s.LegendText = name;
            s.MarkerSize = lines ? 0 : 7;   // evaluations are sparse points: markers joined by lines
            s.LineWidth = 1.5f;
            if (name == rightAxis) { s.Axes.YAxis = plt.Axes.Right; plt.Axes.Right.Label.Text = name; }
        }
        plt.Title(title);
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        plt.ShowLegend();
        return plt;
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
