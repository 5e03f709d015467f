namespace Scratch.Tensors;

/// <summary>
/// A pool of device buffers, keyed by exact length: a training step asks for the same sizes every
/// iteration, so after the first step every request is served from the pool and nothing new is
/// allocated. The ILGPU backend uses it; the CPU backend splits big segments instead
/// (<see cref="CachingAllocator{TSegment}"/>), which holds less than a buffer per size.
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

    /// <summary>Takes back a buffer; length is the buffer's own length (what <see cref="Rent"/> created it with).</summary>
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
