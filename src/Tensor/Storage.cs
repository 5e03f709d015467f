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
    readonly MemoryStats _stats;

    protected Storage(Device device, DType dtype, int length)
    {
        Device = device; DType = dtype; Length = length;
        _stats = MemoryStats.For(device);
        _stats.Add(Bytes);
        MemoryScope.Track(this);
    }

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
            throw new ObjectDisposedException("tensor", "this tensor's memory was released when its MemoryScope ended; call Keep() on tensors that must outlive the scope");
    }
}

/// <summary>
/// A pool of buffers keyed by exact length: a training step asks for the same sizes every iteration,
/// so after the first step every request is served from the pool and nothing new is allocated.
/// </summary>
public sealed class BufferPool<TBuffer> where TBuffer : class
{
    readonly Dictionary<int, Stack<TBuffer>> _free = new();
    readonly object _lock = new();
    public long BytesAllocated { get; private set; }   // ever asked of the device
    public long BytesPooled { get; private set; }      // idle, waiting for reuse

    public TBuffer Rent(int length, int elementSize, Func<int, TBuffer> create)
    {
        lock (_lock)
        {
            if (_free.TryGetValue(length, out var s) && s.Count > 0)
            {
                BytesPooled -= (long)length * elementSize;
                return s.Pop();
            }
            BytesAllocated += (long)length * elementSize;
        }
        return create(length);
    }

    public void Return(int length, int elementSize, TBuffer buffer)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(length, out var s)) _free[length] = s = new Stack<TBuffer>();
            if (MemoryStats.Poison && s.Contains(buffer))
                throw new InvalidOperationException($"pool: a buffer of {length} elements was returned twice");
            s.Push(buffer);
            BytesPooled += (long)length * elementSize;
        }
    }

    /// <summary>Drops every idle buffer (and hands each to dispose, for device memory).</summary>
    public void Trim(Action<TBuffer>? dispose = null)
    {
        lock (_lock)
        {
            foreach (var s in _free.Values) while (s.Count > 0) { var b = s.Pop(); dispose?.Invoke(b); }
            BytesAllocated -= BytesPooled; BytesPooled = 0;
        }
    }
}
