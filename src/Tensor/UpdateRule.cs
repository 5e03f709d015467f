using System.Numerics;

namespace Scratch.Tensors;

/// <summary>
/// An optimizer's per-element update, as one scalar function that every backend runs in a single
/// pass over a parameter, its gradient and up to two state tensors (Adam's m and v, RMSprop's
/// square average, SGD's momentum buffer). The rules themselves live next to their optimizers in
/// src/Layers; here is only the shape of one.
/// </summary>
public interface IUpdateRule
{
    /// <summary>Returns the new parameter value; updates the two state values in place.</summary>
    T Apply<T>(T p, T g, ref T s1, ref T s2, UpdateScalars<T> h) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The same formula on SIMD lanes, for the CPU backend (a GPU thread runs the scalar form). Written
    /// beside the scalar form with the same operations in the same order, so both give equal numbers.
    /// </summary>
    Vector<T> Apply<T>(Vector<T> p, Vector<T> g, ref Vector<T> s1, ref Vector<T> s2, UpdateVectors<T> h) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The scalars of <see cref="UpdateScalars{T}"/>, each broadcast to every SIMD lane.</summary>
public readonly struct UpdateVectors<T>(UpdateScalars<T> h) where T : unmanaged
{
    public readonly Vector<T> K0 = new(h.K0), K1 = new(h.K1), K2 = new(h.K2), K3 = new(h.K3), K4 = new(h.K4), K5 = new(h.K5), K6 = new(h.K6), K7 = new(h.K7);
    public readonly UpdateScalars<T> Scalars = h;
}

/// <summary>Up to eight hyperparameters of one step (learning rate, betas, bias corrections…), already in T.</summary>
public struct UpdateScalars<T> where T : unmanaged
{
    public T K0, K1, K2, K3, K4, K5, K6, K7;
}

/// <summary>The hyperparameters of one step as the host computes them, in double.
/// Each is rounded to T once, on the host (e.g. 1 − β₂ is computed in double, then rounded).</summary>
public readonly record struct UpdateArgs(double K0 = 0, double K1 = 0, double K2 = 0, double K3 = 0, double K4 = 0, double K5 = 0, double K6 = 0, double K7 = 0)
{
    public UpdateScalars<float> F32 => new() { K0 = (float)K0, K1 = (float)K1, K2 = (float)K2, K3 = (float)K3, K4 = (float)K4, K5 = (float)K5, K6 = (float)K6, K7 = (float)K7 };
    public UpdateScalars<double> F64 => new() { K0 = K0, K1 = K1, K2 = K2, K3 = K3, K4 = K4, K5 = K5, K6 = K6, K7 = K7 };
}
