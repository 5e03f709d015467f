using System.Collections.Concurrent;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// The ILGPU device is one per process, and test classes (or any two threads) use it at once. On
/// OpenCL a kernel object keeps its arguments between launches, so two threads launching the same
/// kernel could queue it with a mix of both argument lists. pocl did: results came back with element 0
/// off, and a launch could write one thread's length into another thread's smaller buffer.
/// </summary>
[Trait("Category", "Ilgpu")]
public class IlgpuConcurrencyTests
{
    [Fact]
    public void Threads_launching_the_same_kernels_at_once_each_get_their_own_results()
    {
        const int threads = 4, rounds = 200;
        var errors = new ConcurrentQueue<string>();
        var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            // A length of its own per thread: another thread's arguments would read or write the wrong span.
            int n = 37 + 101 * t;
            var values = Enumerable.Range(0, n).Select(i => (double)(t * 1000 + i)).ToArray();
            start.SignalAndWait();
            try
            {
                for (int r = 0; r < rounds && errors.IsEmpty; r++)
                {
                    using var scope = MemoryScope.Begin();
                    var x = NDArray.From(values, [n], DType.Float64, Devices.Ilgpu);
                    var got = ((x + x) + r).ToDoubles();   // a Zip and a Map kernel, shared by every thread
                    for (int i = 0; i < n; i++)
                        if (got[i] != 2 * values[i] + r)
                        { errors.Enqueue($"thread {t}, round {r}, element {i}: expected {2 * values[i] + r}, got {got[i]}"); break; }
                }
            }
            catch (Exception e) { errors.Enqueue($"thread {t}: {e.GetType().Name}: {e.Message}"); }   // a thread's exception would end the test host
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(errors);
    }
}
