using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Course;

/// <summary>Module 0, strides and views: the tasks' tests (`scratch course grade 0.1`). Views share storage and only move strides.</summary>
public class Module0Tests
{
    /// <summary>0, 1, …, 23 in shape [2, 3, 4], float64.</summary>
    static NDArray Counting() => NDArray.Arange(24, DType.Float64).Reshape(2, 3, 4);

    /// <summary>The element of a row-major array at an index, computed from its shape: what a view must read back.</summary>
    static double At(double[] dense, int[] shape, params int[] index)
    {
        int flat = 0;
        for (int i = 0; i < shape.Length; i++) flat = flat * shape[i] + index[i];
        return dense[flat];
    }

    [Fact, Trait("Task", "0.1")]
    public void Permute_moves_sizes_and_strides_and_copies_nothing()
    {
        var x = Counting();
        var y = x.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], y.Shape);
        Assert.Equal([1, 12, 4], y.Strides);   // x's strides [12, 4, 1], reordered
        Assert.Equal(x.Offset, y.Offset);
        var dense = x.ToDoubles();
        var values = y.Contiguous().ToDoubles();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++)
            Assert.Equal(At(dense, [2, 3, 4], j, k, i), values[(i * 2 + j) * 3 + k]);
    }

    [Fact, Trait("Task", "0.1")]
    public void Permute_takes_negative_dims_and_refuses_a_non_permutation()
    {
        var x = Counting();
        Assert.Equal(x.Permute(2, 0, 1).Strides, x.Permute(-1, 0, 1).Strides);
        Assert.Equal([3, 2, 4], x.Permute(1, 0, 2).Shape);
        Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1));
        Assert.Throws<ArgumentException>(() => x.Permute(0, 1));
        Assert.Throws<ArgumentException>(() => x.Permute(0, 1, 3));
    }

    [Fact, Trait("Task", "0.2")]
    public void Narrow_keeps_the_strides_and_moves_the_offset()
    {
        var x = Counting();
        var n = x.Narrow(1, 1, 2);   // rows 1 and 2 of each [3, 4] matrix
        Assert.Equal([2, 2, 4], n.Shape);
        Assert.Equal(x.Strides, n.Strides);
        Assert.Equal(x.Offset + 4, n.Offset);
        Assert.Equal([4.0, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23], n.Contiguous().ToDoubles());
        var last = x.Narrow(-1, 3, 1);   // the last column, by a negative axis
        Assert.Equal([2, 3, 1], last.Shape);
        Assert.Equal([3.0, 7, 11, 15, 19, 23], last.Contiguous().ToDoubles());
    }

    [Fact, Trait("Task", "0.2")]
    public void Narrow_of_a_narrow_adds_offsets_and_a_range_outside_the_dim_is_refused()
    {
        var x = NDArray.Arange(10, DType.Float64);
        var inner = x.Narrow(0, 2, 6).Narrow(0, 3, 2);
        Assert.Equal(x.Offset + 5, inner.Offset);
        Assert.Equal([5.0, 6], inner.ToDoubles());
        Assert.Throws<ArgumentException>(() => x.Narrow(0, 8, 3));
        Assert.Throws<ArgumentException>(() => x.Narrow(0, -1, 2));
    }

    [Fact, Trait("Task", "0.3")]
    public void Slice_is_pythons_start_stop_step_as_a_view()
    {
        var x = NDArray.Arange(10, DType.Float64);
        Assert.Equal([1.0, 4, 7], x.Slice(0, 1, 8, 3).ToDoubles());
        Assert.Equal([7.0, 8, 9], x.Slice(0, -3, 10).ToDoubles());
        Assert.Equal([0.0, 2, 4, 6, 8], x.Slice(0, 0, 100, 2).ToDoubles());   // stop clamps to the size
        Assert.Empty(x.Slice(0, 6, 3).ToDoubles());                            // stop before start: nothing
        var s = x.Slice(0, 2, 9, 3);
        Assert.Equal([3], s.Shape);
        Assert.Equal([3], s.Strides);
        Assert.Equal(x.Offset + 2, s.Offset);
        Assert.Throws<ArgumentException>(() => x.Slice(0, 0, 5, 0));
    }

    [Fact, Trait("Task", "0.3")]
    public void Slice_along_an_inner_axis_multiplies_its_stride()
    {
        var x = Counting();
        var s = x.Slice(2, 1, 4, 2);   // columns 1 and 3 of each row
        Assert.Equal([2, 3, 2], s.Shape);
        Assert.Equal([12, 4, 2], s.Strides);
        Assert.Equal([1.0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23], s.Contiguous().ToDoubles());
    }
}
