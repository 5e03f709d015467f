using ILGPU;
using ILGPU.Runtime;

namespace Scratch.Tensors.Ilgpu;

// Uploads that do not make the host wait. ILGPU's CopyFromCPU(span) synchronises the stream: the host
// would wait for every kernel queued before the copy, so a training step could not be queued until
// the previous one had finished. A float upload of batch size (StagedMin..StagedMax elements) is
// instead copied into a page-locked staging buffer and queued on the stream like a kernel. The ring
// has a few such buffers; one is written again only after the marker queued behind its last copy has
// passed, which only waits if the host has run that many uploads ahead of the device.
public sealed partial class IlgpuBackend
{
    const int StagedMin = 1 << 10, StagedMax = 1 << 22, RingSize = 3;
    readonly Staging[] _ring = Enumerable.Range(0, RingSize).Select(_ => new Staging()).ToArray();
    int _next;

    sealed class Staging
    {
        public PageLockedArray1D<float>? Buffer;
        public ProfilingMarker? Copied;
    }

    public void Upload<T>(ReadOnlySpan<T> source, Storage dst) where T : unmanaged
    {
        if (source.Length == 0) return;
        var view = ((IlgpuStorage<T>)dst).View.SubView(0, source.Length);
        if (typeof(T) == typeof(float) && source.Length is >= StagedMin and <= StagedMax && _acc.Context.Properties.EnableProfiling)
        {
            // The ring is shared by every thread. Not a kernel launch (no arguments kept): the launch lock is not needed.
            lock (_ring) UploadStaged(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(source), view.Cast<float>());
        }
        else view.CopyFromCPU(source);   // pins the span and waits for the copy: the caller may reuse it
    }

    void UploadStaged(ReadOnlySpan<float> source, ArrayView<float> target)
    {
        var slot = _ring[_next];
        _next = (_next + 1) % RingSize;
        if (slot.Copied is { } done) { done.Synchronize(); done.Dispose(); slot.Copied = null; }
        if (slot.Buffer == null || slot.Buffer.Length != source.Length)
        {
            slot.Buffer?.Dispose();
            slot.Buffer = _acc.AllocatePageLocked1D<float>(source.Length);
        }
        source.CopyTo(slot.Buffer.Span);
        ((ArrayView1D<float, Stride1D.Dense>)target).CopyFromPageLockedAsync(_acc.DefaultStream, slot.Buffer);
        slot.Copied = _acc.DefaultStream.AddProfilingMarker();
    }

    void DisposeStaging()
    {
        foreach (var s in _ring) { s.Copied?.Dispose(); s.Buffer?.Dispose(); }
    }
}
