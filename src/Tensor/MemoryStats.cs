using System.Collections.Concurrent;

namespace Scratch.Tensors;

/// <summary>
/// Bytes of live storage on one device: what tensors hold right now and the most they ever held at
/// once (the peak a step needs). The backend's <see cref="IBackend.BytesAllocated"/> is what its pool
/// reserved from the device, live or cached; the gap between the two is the pool's retention.
/// </summary>
public sealed class MemoryStats
{
    static readonly ConcurrentDictionary<Device, MemoryStats> _byDevice = new();
    long _live, _peak;

    public static MemoryStats For(Device device) => _byDevice.GetOrAdd(device, _ => new MemoryStats());

    /// <summary>Bytes held by storages not yet released.</summary>
    public long LiveBytes => Interlocked.Read(ref _live);
    /// <summary>The most <see cref="LiveBytes"/> has been since the last <see cref="ResetPeak"/>.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);
    public void ResetPeak() => Interlocked.Exchange(ref _peak, LiveBytes);

    /// <summary>The peak since the last reset, in MiB, then a reset: one period's peak (a training epoch's).</summary>
    public double TakePeakMb()
    {
        double mb = PeakBytes / (double)(1 << 20);
        ResetPeak();
        return mb;
    }

    internal void Add(long bytes)
    {
        long now = Interlocked.Add(ref _live, bytes), p;
        while (now > (p = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, p) != p) { }
    }

    internal void Remove(long bytes) => Interlocked.Add(ref _live, -bytes);

    /// <summary>
    /// Debug mode (tests, or SCRATCH_POISON=1): a released buffer is filled with NaN before it goes
    /// back to the pool, so a read through a stale alias shows up as NaN instead of plausible numbers,
    /// and the pool checks that no buffer is returned twice.
    /// </summary>
    public static bool Poison { get; set; } = Environment.GetEnvironmentVariable("SCRATCH_POISON") == "1";

    /// <summary>The process's peak resident set (VmHWM), in bytes; null where /proc is not there.</summary>
    public static long? PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:"))
                    // "VmHWM:\t  592604 kB": a tab, then spaces that shrink as the number grows (none from 10 GB on)
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
