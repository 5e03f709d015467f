namespace Scratch.Tensors;

/// <summary>
/// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
/// counter-based generator. The i-th number is a pure function of (seed, i), so every backend and
/// every thread partition produces the same numbers — no generator state is shared between threads.
/// </summary>
public static class Philox
{
    const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Four 32-bit random words for counter c under key k.</summary>
    public static void Block(ulong counter, ulong key, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = 0, c3 = 0;
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint h0 = (uint)(p0 >> 32), l0 = (uint)p0, h1 = (uint)(p1 >> 32), l1 = (uint)p1;
            c0 = h1 ^ c1 ^ k0; c1 = l1; c2 = h0 ^ c3 ^ k1; c3 = l0;
            k0 += W0; k1 += W1;
        }
        r0 = c0; r1 = c1; r2 = c2; r3 = c3;
    }

    /// <summary>One sample of a distribution for element counter: the formula both backends use.</summary>
    public static double Sample(RandomKind kind, ulong counter, ulong key, double p0, double p1)
    {
        Block(counter, key, out var r0, out var r1, out var r2, out var r3);
        // 53-bit uniform in [0,1) from two words; u2 in (0,1] for the log in Box–Muller.
        double u = ((r0 >> 5) * 67108864.0 + (r1 >> 6)) * (1.0 / 9007199254740992.0);
        if (kind == RandomKind.Uniform) return p0 + (p1 - p0) * u;
        if (kind == RandomKind.Bernoulli) return u < p0 ? 1.0 : 0.0;
        double u2 = ((r2 >> 5) * 67108864.0 + (r3 >> 6) + 1.0) * (1.0 / 9007199254740992.0);
        double z = Math.Sqrt(-2.0 * Math.Log(u2)) * Math.Cos(2.0 * Math.PI * u);
        return p0 + p1 * z;
    }

    /// <summary>
    /// The float32 sample: the same counter-based words, turned into a float with float math only
    /// (24-bit uniforms), so a GPU computes it without double precision. Both backends use it.
    /// </summary>
    public static float SampleF32(RandomKind kind, ulong counter, ulong key, float p0, float p1)
    {
        Block(counter, key, out var r0, out var r1, out _, out _);
        // (int) first: C# converts a uint to float through double, which a GPU would run in f64.
        float u = (int)(r0 >> 8) * (1.0f / 16777216.0f);          // [0, 1)
        if (kind == RandomKind.Uniform) return p0 + (p1 - p0) * u;
        if (kind == RandomKind.Bernoulli) return u < p0 ? 1.0f : 0.0f;
        float u2 = ((int)(r1 >> 8) + 1) * (1.0f / 16777216.0f);   // (0, 1]: log(u2) is finite
        float z = MathF.Sqrt(-2.0f * MathF.Log(u2)) * MathF.Cos(6.2831853071795865f * u);
        return p0 + p1 * z;
    }
}
