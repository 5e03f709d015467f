namespace Scratch.Tensors;

/// <summary>
/// A seeded random stream. Each draw of n numbers uses Philox counters [Offset, Offset+n) and then
/// advances Offset by n, so the same seed gives the same numbers on every backend.
/// </summary>
public sealed class RandomStream
{
    public ulong Seed { get; }
    public ulong Offset { get; set; }
    public RandomStream(ulong seed) => Seed = seed;

    /// <summary>The stream used when none is passed. Reseed with <see cref="ManualSeed"/>.</summary>
    public static RandomStream Default { get; private set; } = new(0);
    public static void ManualSeed(ulong seed) => Default = new RandomStream(seed);

    internal ulong Take(int n) { var o = Offset; Offset += (ulong)n; return o; }

    /// <summary>A host-side uniform integer in [0, n), from the same stream (shuffles, choices).</summary>
    public int NextInt(int n)
    {
        Philox.Block(Take(1), Seed ^ 0x5DEECE66DUL, out var r0, out var r1, out _, out _);
        return (int)((((ulong)r0 << 32) | r1) % (ulong)n);
    }

    /// <summary>Fisher–Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--) { int j = NextInt(i + 1); (p[i], p[j]) = (p[j], p[i]); }
        return p;
    }
}
