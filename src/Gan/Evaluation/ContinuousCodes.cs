using Scratch.Autograd;
using Scratch.Gan.Models;
using Scratch.Tensors;

namespace Scratch.Gan.Evaluation;

/// <summary>What one InfoGAN continuous code does: the image statistic it moves most monotonically, and how consistently.</summary>
public sealed record ContinuousEffect(int Code, string Statistic, double MeanSpearman, int Bases, int Steps);

/// <summary>
/// A definable "monotonic effect" of InfoGAN's continuous codes: for each code, hold everything else
/// of a latent fixed, sweep the code over −2…2 in 9 steps, and measure simple image statistics —
/// ink (mean brightness), width and height (the spread of the ink), slant (the shear moment
/// μ11/μ02) — along the sweep. The Spearman rank correlation between code value and statistic is
/// ±1 when the statistic moves monotonically with the code; it is averaged over many latents, and
/// the statistic with the largest |mean ρ| is reported ("code 1 controls slant, ρ = 0.9").
/// </summary>
public static class ContinuousCodes
{
    public static readonly string[] Statistics = ["ink", "width", "height", "slant"];
    const int Steps = 9;

    public static ContinuousEffect[] Measure(GanModel gan, int bases, ulong seed)
    {
        int nz = gan.Config.NoiseDim, k = InfoGanD.Categories, m = InfoGanD.Continuous, dim = nz + k + m;
        var g = new RandomStream(seed);
        var result = new ContinuousEffect[m];
        for (int code = 0; code < m; code++)
        {
            var rhoSum = new double[Statistics.Length];
            var rhoCount = new int[Statistics.Length];
            for (int at = 0; at < bases; at += 50)
                using (MemoryScope.Begin())
                {
                    int b = Math.Min(50, bases - at);
                    var noise = gan.Noise(b, g).ToDoubles();
                    var z = new double[b * Steps * dim];
                    for (int i = 0; i < b; i++)
                    {
                        int cat = g.NextInt(k);
                        for (int s = 0; s < Steps; s++)
                        {
                            int row = (i * Steps + s) * dim;
                            Array.Copy(noise, i * nz, z, row, nz);
                            z[row + nz + cat] = 1;
                            z[row + nz + k + code] = -2 + 4.0 * s / (Steps - 1);   // the other code stays 0
                        }
                    }
                    var images = gan.Generate(new Tensor(NDArray.From(z, [b * Steps, dim], DType.Float32, gan.Device))).To(Device.Cpu);
                    int h = images.Shape[2], w = images.Shape[3];
                    var px = images.ToArray<float>();
                    for (int i = 0; i < b; i++)
                    {
                        var stats = new double[Statistics.Length][];
                        for (int t = 0; t < stats.Length; t++) stats[t] = new double[Steps];
                        for (int s = 0; s < Steps; s++)
                        {
                            var v = Moments(px.AsSpan((i * Steps + s) * h * w, h * w), h, w);
                            for (int t = 0; t < stats.Length; t++) stats[t][s] = v[t];
                        }
                        for (int t = 0; t < stats.Length; t++)
                        {
                            double rho = Spearman(stats[t]);
                            if (double.IsFinite(rho)) { rhoSum[t] += rho; rhoCount[t]++; }
                        }
                    }
                }
            int best = 0;
            var mean = rhoSum.Select((s, t) => rhoCount[t] == 0 ? 0 : s / rhoCount[t]).ToArray();
            for (int t = 1; t < mean.Length; t++) if (Math.Abs(mean[t]) > Math.Abs(mean[best])) best = t;
            result[code] = new ContinuousEffect(code + 1, Statistics[best], mean[best], bases, Steps);
        }
        return result;
    }

    /// <summary>ink, width, height, slant of one image in [−1, 1] (ink = (v + 1)/2).</summary>
    public static double[] Moments(ReadOnlySpan<float> img, int h, int w)
    {
        double m00 = 0, mx = 0, my = 0;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) { double a = (img[y * w + x] + 1) / 2; m00 += a; mx += a * x; my += a * y; }
        if (m00 <= 1e-9) return [0, 0, 0, 0];
        double cx = mx / m00, cy = my / m00, m20 = 0, m02 = 0, m11 = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double a = (img[y * w + x] + 1) / 2;
                m20 += a * (x - cx) * (x - cx); m02 += a * (y - cy) * (y - cy); m11 += a * (x - cx) * (y - cy);
            }
        return [m00 / (h * w), Math.Sqrt(m20 / m00), Math.Sqrt(m02 / m00), m02 > 0 ? m11 / m02 : 0];
    }

    /// <summary>Spearman's ρ between positions 0..n−1 and the values (ties share their mean rank); NaN when the values are constant.</summary>
    public static double Spearman(double[] values)
    {
        int n = values.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var rank = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) j++;
            for (int t = i; t <= j; t++) rank[order[t]] = (i + j) / 2.0;
            i = j + 1;
        }
        double mean = (n - 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        { sxy += (i - mean) * (rank[i] - mean); sxx += (i - mean) * (i - mean); syy += (rank[i] - mean) * (rank[i] - mean); }
        return syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
