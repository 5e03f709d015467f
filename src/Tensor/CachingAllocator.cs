namespace Scratch.Tensors;

/// <summary>
/// Hands out blocks of big buffers ("segments") instead of one buffer per tensor, the way PyTorch's
/// CUDA caching allocator does. A request takes the smallest free block that fits (best fit) and
/// splits off the rest; a returned block merges with its free neighbours. A training step asks for
/// tensors of many sizes whose lives overlap differently in the D and G steps: a pool of whole
/// buffers kept per size ends up holding the sum of every size's own peak, which for the 64×64 DCGAN
/// step was 1.43× the bytes tensors held at once; splitting and merging keeps it near the peak itself.
///
/// Lengths and offsets are in elements. Segments are never handed back while a block in them is live;
/// <see cref="Trim"/> drops the wholly free ones.
/// </summary>
/// <param name="reclaim">Asked before a new segment is made; true if it may have returned blocks (then the search runs again).</param>
public sealed class CachingAllocator<TSegment>(Func<int, TSegment> create, int segmentLength, Func<bool>? reclaim = null, int alignment = 16)
    where TSegment : class
{
    /// <summary>A piece of one segment: elements [Start, Start + Length) of <see cref="Segment"/>.</summary>
    public readonly record struct Block(TSegment Segment, int Id, int Start, int Length);

    sealed class Segment(TSegment buffer, int length)
    {
        public readonly TSegment Buffer = buffer;
        public readonly int Length = length;
        public readonly Dictionary<int, int> FreeByStart = new();   // start → length
        public readonly Dictionary<int, int> FreeByEnd = new();     // end → start, to find the left neighbour
        public readonly HashSet<int> Live = new();                  // starts of blocks handed out
    }

    readonly List<Segment?> _segments = new();
    // Every free block, sorted by length, then segment, then start: the first one at least as long
    // as a request is its best fit, and ties go to the first segment, lowest address. A sorted list:
    // a step leaves a few hundred free blocks, where a binary search and a short memmove beat a tree.
    readonly List<(int Length, int Id, int Start)> _free = new();
    readonly object _lock = new();

    /// <summary>Elements held in segments, live or free.</summary>
    public long Reserved { get; private set; }
    /// <summary>Elements in free blocks.</summary>
    public long Idle { get; private set; }

    public Block Rent(int length)
    {
        int need = Round(Math.Max(length, 1));
        lock (_lock) if (TryFit(need, out var b)) return b;
        // Outside the lock: reclaiming may run finalizers that return blocks.
        if (reclaim?.Invoke() == true) lock (_lock) if (TryFit(need, out var b)) return b;
        lock (_lock)
        {
            if (TryFit(need, out var b)) return b;
            // A request bigger than a segment gets a segment of its own size, which later serves
            // smaller requests too.
            int have = Math.Max(need, segmentLength);
            int id = _segments.IndexOf(null);
            var s = new Segment(create(have), have);
            if (id < 0) { id = _segments.Count; _segments.Add(s); } else _segments[id] = s;
            Reserved += have;
            AddFree(id, 0, have);
            TryFit(need, out b);
            return b;
        }
    }

    // Best fit: the smallest free block at least `need` long, split if longer.
    bool TryFit(int need, out Block block)
    {
        int at = _free.BinarySearch((need, -1, -1));
        if (at < 0) at = ~at;
        if (at == _free.Count) { block = default; return false; }
        var (have, id, start) = _free[at];
        TakeFree(id, start, have);
        if (have > need) AddFree(id, start + need, have - need);
        var seg = _segments[id]!;
        seg.Live.Add(start);
        block = new Block(seg.Buffer, id, start, need);
        return true;
    }

    public void Return(Block b)
    {
        lock (_lock)
        {
            var seg = _segments[b.Id];
            if (seg is null || !ReferenceEquals(seg.Buffer, b.Segment) || !seg.Live.Remove(b.Start))
                throw new InvalidOperationException($"allocator: a block of {b.Length} elements was returned twice or never handed out");
            int start = b.Start, length = b.Length;
            if (seg.FreeByEnd.TryGetValue(start, out int left)) { length += start - left; TakeFree(b.Id, left, start - left); start = left; }
            if (seg.FreeByStart.TryGetValue(start + length, out int right)) { TakeFree(b.Id, start + length, right); length += right; }
            AddFree(b.Id, start, length);
        }
    }

    /// <summary>Drops every segment that has no live block (and hands each to dispose, for device memory).</summary>
    public void Trim(Action<TSegment>? dispose = null)
    {
        lock (_lock)
            for (int id = 0; id < _segments.Count; id++)
                if (_segments[id] is { Live.Count: 0 } s)
                {
                    TakeFree(id, 0, s.Length);
                    Reserved -= s.Length;
                    _segments[id] = null;
                    dispose?.Invoke(s.Buffer);
                }
    }

    int Round(int length)
    {
        long r = ((long)length + alignment - 1) / alignment * alignment;
        return r > Array.MaxLength ? length : (int)r;
    }

    void AddFree(int id, int start, int length)
    {
        var s = _segments[id]!;
        s.FreeByStart.Add(start, length); s.FreeByEnd.Add(start + length, start);
        _free.Insert(~_free.BinarySearch((length, id, start)), (length, id, start));
        Idle += length;
    }

    void TakeFree(int id, int start, int length)
    {
        var s = _segments[id]!;
        s.FreeByStart.Remove(start); s.FreeByEnd.Remove(start + length);
        _free.RemoveAt(_free.BinarySearch((length, id, start)));
        Idle -= length;
    }
}
