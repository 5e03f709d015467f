namespace Scratch.Tensors;

/// <summary>
/// Deterministic memory release, in the spirit of TorchSharp's DisposeScope:
/// <code>
/// using (MemoryScope.Begin()) { ... one training step ... }   // every temporary is released here
/// </code>
/// Every storage created while a scope is the innermost one belongs to it. Parameters, optimizer
/// state and anything else that must live on are created outside any scope, or kept with
/// <see cref="Keep"/> (which hands them to the enclosing scope, or to the garbage collector).
/// </summary>
public sealed class MemoryScope : IDisposable
{
    [ThreadStatic] static MemoryScope? _current;
    readonly MemoryScope? _parent;
    readonly List<Storage> _owned = new();
    readonly bool _suspended;
    bool _disposed;

    MemoryScope(MemoryScope? parent, bool suspended) { _parent = parent; _suspended = suspended; }

    /// <summary>Opens a scope; temporaries made until it is disposed are released with it.</summary>
    public static MemoryScope Begin() => _current = new MemoryScope(_current, false);

    /// <summary>Opens a region whose allocations belong to no scope (long-lived state inside a step).</summary>
    public static MemoryScope Untracked() => _current = new MemoryScope(_current, true);

    /// <summary>Hands a new storage to the innermost scope; true when a scope owns it (and will release it).</summary>
    internal static bool Track(Storage s)
    {
        var c = _current;
        if (c != null && c._suspended) return false;   // long-lived state: neither a scope nor a recorder may free it
        StorageRecorder.Note(s);
        c?._owned.Add(s);
        return c != null;
    }

    /// <summary>Moves a storage out of the innermost scope that owns it, to that scope's parent.</summary>
    public static void Keep(Storage s)
    {
        var owner = TakeFromOwner(s);
        var p = owner?._parent;
        while (p != null && p._suspended) p = p._parent;
        if (p != null) p._owned.Add(s);
        else if (owner != null) s.Orphaned();
    }

    /// <summary>
    /// Takes a storage out of whichever open scope owns it, so it lives on like untracked state.
    /// False when no scope owns it (it was made outside every scope, or untracked).
    /// </summary>
    public static bool Disown(Storage s)
    {
        if (TakeFromOwner(s) == null) return false;
        s.Orphaned();
        return true;
    }

    // Removes s from the innermost open scope that owns it; returns that scope (null: none does).
    static MemoryScope? TakeFromOwner(Storage s)
    {
        for (var c = _current; c != null; c = c._parent)
        {
            if (c._suspended) continue;
            int i = c._owned.LastIndexOf(s);
            if (i < 0) continue;
            c._owned.RemoveAt(i);
            return c;
        }
        return null;
    }

    public int Count => _owned.Count;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_current != this) throw new InvalidOperationException("MemoryScope: scopes must be disposed in the reverse order they were opened");
        _current = _parent;
        foreach (var s in _owned) s.Release();
        _owned.Clear();
    }
}
