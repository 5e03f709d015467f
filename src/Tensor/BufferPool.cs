namespace Scratch.Tensors;

/// <summary>
/// A pool of device buffers: a training step asks for the same sizes every iteration, so after the
/// first step every request is served from the pool and nothing new is allocated.
///
/// Exact (the default): keyed by exact length. With size classes (a backend whose kernels read a
/// storage only through its offset and shape, never past its Length), a request is rounded up to one
/// of 8 sizes per power of two and may be served by any idle buffer up to twice that size. Otherwise
/// each size keeps its own idle buffers: the D step's batch-256 buffers would sit idle through the
/// G step's batch-128 requests, and the pool would reserve far more than a step's peak.
/// </summary>
public sealed class BufferPool<TBuffer>(bool sizeClasses = false) where TBuffer : class
{
    readonly Dictionary<int, Stack<TBuffer>> _free = new();
    readonly List<int> _idleSizes = new();   // lengths with an idle buffer, ascending (size classes only)
    readonly object _lock = new();
    public long BytesAllocated { get; private set; }   // ever asked of the device
    public long BytesPooled { get; private set; }      // idle, waiting for reuse

    /// <summary>The length of a new buffer for <paramref name="length"/> elements (its size class).</summary>
    public int Capacity(int length)
    {
        if (!sizeClasses || length <= 1024) return length;
        int step = (int)(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length + 1) >> 4);   // 8 classes per octave
        long c = ((long)length + step - 1) / step * step;
        return c > Array.MaxLength ? length : (int)c;
    }

    public TBuffer Rent(int length, int elementSize, Func<int, TBuffer> create)
    {
        int capacity = Capacity(length);
        lock (_lock)
        {
            int key = capacity, at = -1;
            if (sizeClasses)
            {
                at = _idleSizes.BinarySearch(capacity);
                if (at < 0) at = ~at;   // the smallest idle length ≥ capacity
                key = at < _idleSizes.Count && _idleSizes[at] <= 2L * capacity ? _idleSizes[at] : -1;
            }
            if (key >= 0 && _free.TryGetValue(key, out var s) && s.Count > 0)
            {
                BytesPooled -= (long)key * elementSize;
                var b = s.Pop();
                if (s.Count == 0 && sizeClasses) _idleSizes.RemoveAt(at);
                return b;
            }
            BytesAllocated += (long)capacity * elementSize;
        }
        return create(capacity);
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
            if (sizeClasses && s.Count == 1) _idleSizes.Insert(~_idleSizes.BinarySearch(length), length);
            BytesPooled += (long)length * elementSize;
        }
    }

    /// <summary>Drops every idle buffer (and hands each to dispose, for device memory).</summary>
    public void Trim(Action<TBuffer>? dispose = null)
    {
        lock (_lock)
        {
            foreach (var s in _free.Values) while (s.Count > 0) { var b = s.Pop(); dispose?.Invoke(b); }
            _idleSizes.Clear();
            BytesAllocated -= BytesPooled; BytesPooled = 0;
        }
    }
}
