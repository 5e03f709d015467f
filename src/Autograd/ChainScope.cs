using Scratch.Tensors;

namespace Scratch.Autograd;

/// <summary>
/// A chain of functions in which each result is read by the next one only, as the layers of a
/// Sequential. Without a graph (no_grad: sampling, the generator's batch for the discriminator's
/// step) no node saves an intermediate result either, so each one is freed as soon as the next
/// link has read it: <c>using var chain = ChainScope.Begin(); … x = chain.Next(x, f(x));</c>. Only
/// what this chain made is freed — its first input, and whatever a link hands on unchanged or as a
/// view, belong to someone else. With a graph being recorded it does nothing: nodes save those
/// results, and the engine and the MemoryScope free them.
/// </summary>
public sealed class ChainScope : IDisposable
{
    readonly StorageRecorder? _made;

    ChainScope(StorageRecorder? made) { _made = made; }

    public static ChainScope Begin() => new(GradMode.Enabled ? null : StorageRecorder.Start());

    /// <summary>The next link's result; the previous one is freed if this chain made it and the result is not a view of it.</summary>
    public Tensor Next(Tensor previous, Tensor result)
    {
        var old = previous.Data.Storage;
        if (_made != null && !ReferenceEquals(old, result.Data.Storage) && _made.Storages.Contains(old)) old.Release();
        return result;
    }

    public void Dispose() => _made?.Dispose();
}
