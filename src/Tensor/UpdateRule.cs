using System.Numerics;

namespace Scratch.Tensors;

/// <summary>
/// An optimizer's per-element update, as one function that every backend runs in a single pass over
/// a parameter, its gradient and up to two state tensors (Adam's m and v, RMSprop's square average,
/// SGD's momentum buffer). A rule is a struct that holds the hyperparameters of one step as named
/// fields of T (learning rate, betas, bias corrections…): the host computes each in double and rounds
/// it to T once (e.g. 1 − β₂ is computed in double, then rounded), and a GPU kernel receives the struct
/// as an argument (ILGPU cannot compile T.CreateTruncating). The rules themselves live next to their
/// optimizers in src/Layers; here is only the shape of one.
/// </summary>
public interface IUpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Returns the new parameter value; updates the two state values in place.</summary>
    T Apply(T p, T g, ref T s1, ref T s2);

    /// <summary>
    /// The same formula on SIMD lanes, for the CPU backend (a GPU thread runs the scalar form). Written
    /// beside the scalar form with the same operations in the same order, so both give equal numbers.
    /// Mark both forms [MethodImpl(AggressiveInlining)]: Adam's is over the JIT's inlining budget, and
    /// would otherwise be a call per SIMD vector.
    /// </summary>
    Vector<T> Apply(Vector<T> p, Vector<T> g, ref Vector<T> s1, ref Vector<T> s2);
}
