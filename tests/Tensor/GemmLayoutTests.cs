using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

/// <summary>
/// Layouts the packed GEMM must not mistake for dense runs. With both operands broadcast over the batch
/// (stride 0) the batch is merged into C's columns, and a transposed b gives column offsets such as
/// [0, 3, 0, 3]: first and last are 3 apart over 4 columns, as a dense run would be, yet they are not
/// adjacent. Found by the special-value property (NaN lost, −∞ read as +∞); finite values were read
/// from the wrong columns too.
/// </summary>
public class GemmLayoutTests
{
    [Theory]
    [InlineData(2, 6, 3, 2)]
    [InlineData(3, 6, 3, 2)]
    [InlineData(2, 7, 4, 3)]
    [InlineData(4, 13, 5, 3)]
    [InlineData(2, 6, 33, 17)]
    public void Broadcast_operands_with_a_transposed_b_equal_the_reference(int batch, int m, int k, int n)
    {
        foreach (bool transA in new[] { false, true })
        {
            double[] Run(Device d)
            {
                var a = transA ? NDArray.Uniform([1, k, m], -1, 1, device: d, g: new RandomStream(1)).Transpose()
                               : NDArray.Uniform([1, m, k], -1, 1, device: d, g: new RandomStream(1));
                var b = NDArray.Uniform([1, n, k], -1, 1, device: d, g: new RandomStream(2)).Transpose();
                var c = NDArray.Empty([batch, m, n], DType.Float32, d);
                d.Backend.MatMul(a.Expand(batch, m, k), b.Expand(batch, k, n), c);
                return c.ToDoubles();
            }
            Check.Close(Run(Device.Reference), Run(Devices.Cpu), 1e-5, 1e-5,
                $"B={batch} M={m} K={k} N={n}{(transA ? " aᵀ" : "")} bᵀ, both broadcast");
        }
    }
}
