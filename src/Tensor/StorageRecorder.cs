namespace Scratch.Tensors;

/// <summary>
/// Notes every storage allocated on this thread while it is open (nested recorders all see them).
/// The autograd engine uses it to know which buffers a backward made: those only the engine can
/// reach, so it may release them as soon as they are consumed — freeing by last use, as PyTorch's
/// reference counts do, for the buffers whose users are known.
/// </summary>
public sealed class StorageRecorder : IDisposable
{
    [ThreadStatic] static StorageRecorder? _top;
    readonly StorageRecorder? _below;
    bool _closed;

    StorageRecorder(StorageRecorder? below) { _below = below; }

    /// <summary>What was allocated since <see cref="Start"/>, in order.</summary>
    public List<Storage> Storages { get; } = new();

    public static StorageRecorder Start() => _top = new StorageRecorder(_top);

    internal static void Note(Storage s)
    {
        for (var r = _top; r != null; r = r._below) r.Storages.Add(s);
    }

    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        if (_top != this) throw new InvalidOperationException("StorageRecorder: recorders must be closed in the reverse order they were started");
        _top = _below;
    }
}
