namespace Scratch.Gan.Training.Events;

/// <summary>
/// A histogram as TensorBoard stores one (its HistogramProto): count, sum and sum of squares of the
/// values, their range, and buckets given by their right edges — bucket i holds the values in
/// (limit[i−1], limit[i]], the first from −∞. TensorBoard re-bins what it is given for display,
/// so the buckets here are simply equal-width ones over the values' range.
/// </summary>
public sealed record HistogramData(double Min, double Max, double Count, double Sum, double SumSquares, double[] BucketLimits, double[] BucketCounts)
{
    public const int DefaultBuckets = 30;

    /// <summary>The histogram of values; non-finite values are left out (a diverging run must still write its histograms).</summary>
    public static HistogramData Of(ReadOnlySpan<float> values, int buckets = DefaultBuckets)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, squares = 0, count = 0;
        foreach (var f in values)
        {
            if (!float.IsFinite(f)) continue;
            double v = f;
            min = Math.Min(min, v); max = Math.Max(max, v);
            sum += v; squares += v * v; count++;
        }
        if (count == 0) return new HistogramData(0, 0, 0, 0, 0, [], []);
        // All values equal: one bucket ending at that value.
        if (max == min) return new HistogramData(min, max, count, sum, squares, [max], [count]);
        var limits = new double[buckets];
        double width = (max - min) / buckets;
        for (int i = 0; i < buckets; i++) limits[i] = min + width * (i + 1);
        limits[^1] = max;   // exactly, whatever the rounding of min + width × buckets
        var counts = new double[buckets];
        foreach (var f in values)
        {
            if (!float.IsFinite(f)) continue;
            // Bucket i is (limit[i−1], limit[i]]: a value on an edge belongs to the bucket below it.
            int b = (int)Math.Ceiling((f - min) / width) - 1;
            counts[Math.Clamp(b, 0, buckets - 1)]++;
        }
        return new HistogramData(min, max, count, sum, squares, limits, counts);
    }
}
