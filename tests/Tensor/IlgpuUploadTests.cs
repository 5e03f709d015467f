using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// Batch-sized float uploads to an ILGPU device go through a ring of page-locked staging buffers and
/// are queued without waiting (IlgpuBackend.Upload.cs). More uploads than the ring has buffers, each
/// from one reused host array, must all arrive intact.
/// </summary>
[Trait("Category", "Ilgpu")]
public class IlgpuUploadTests
{
    [Fact]
    public void Staged_uploads_arrive_intact_when_the_ring_wraps_and_the_host_array_is_reused()
    {
        const int n = 5000, uploads = 7;
        var host = new float[n];
        var arrays = new List<NDArray>();
        for (int k = 0; k < uploads; k++)
        {
            for (int i = 0; i < n; i++) host[i] = k * 10_000 + i;
            var a = NDArray.From(host, [n], Devices.Ilgpu);
            arrays.Add(a * 1.0);   // a kernel queued behind the copy reads it
        }
        for (int k = 0; k < uploads; k++)
        {
            var v = arrays[k].ToDoubles();
            Assert.Equal(k * 10_000.0, v[0]);
            Assert.Equal(k * 10_000.0 + n - 1, v[^1]);
            Assert.Equal(k * 10_000.0 + 1234, v[1234]);
        }
    }
}
