namespace Scratch.Tensors;

/// <summary>
/// A flat buffer of elements on one device. Many NDArrays (views) may share one storage.
/// Storage is released deterministically by a <see cref="MemoryScope"/>: its buffer goes back to the
/// device's pool at once instead of waiting for the garbage collector — essential for GPU memory.
/// Using a released storage throws instead of silently reading memory that was handed out again.
/// </summary>
public abstract class Storage
{
    public DType DType { get; }
    public int Length { get; }
    public Device Device { get; }
    public bool IsReleased { get; private set; }
    public long Bytes => (long)Length * DType.Size();
    /// <summary>Whether a <see cref="MemoryScope"/> owned this storage when it was made (and so will release it).</summary>
    protected bool Scoped { get; }
    readonly MemoryStats _stats;

    protected Storage(Device device, DType dtype, int length)
    {
        Device = device; DType = dtype; Length = length;
        _stats = MemoryStats.For(device);
        _stats.Add(Bytes);
        Scoped = MemoryScope.Track(this);
    }

    /// <summary>
    /// Called when a storage made in a scope leaves every scope (<see cref="MemoryScope.Keep"/> with no
    /// enclosing scope, or <see cref="MemoryScope.Disown"/>): from now on only the garbage collector
    /// knows when it is dropped. A backend whose buffers are pieces of a shared one must get it back then.
    /// </summary>
    internal protected virtual void Orphaned() { }

    /// <summary>Returns the buffer to the device pool. Idempotent: only the first call returns it.</summary>
    public void Release()
    {
        if (IsReleased) return;
        if (MemoryStats.Poison && Length > 0)
            Device.Backend.Fill(new NDArray(this, [Length], [1], 0), double.NaN);
        IsReleased = true;
        _stats.Remove(Bytes);
        ReturnBuffer();
    }

    protected abstract void ReturnBuffer();

    protected void ThrowIfReleased()
    {
        if (IsReleased)
            throw new ObjectDisposedException("tensor",
                "this tensor's memory was released when its MemoryScope ended; call Keep() on tensors that must outlive the scope");
    }
}
