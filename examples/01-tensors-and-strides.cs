#:project ../src/Tensor/Scratch.Tensor.csproj
// Lesson 1 — an NDArray is a flat buffer plus (shape, strides, offset).
// Run: dotnet run -c Release examples/01-tensors-and-strides.cs
//
// Element [i, j, …] of an array lives at  offset + i·strides[0] + j·strides[1] + …  in its storage.
// Transposing, slicing and broadcasting only change those three numbers: no data moves. This file
// checks that rule on every view it makes, against the values the library computes.
using Scratch.Tensors;

var a = NDArray.Arange(12).Reshape(3, 4);
var flat = a.ToDoubles();                    // a is contiguous: its storage in order is 0, 1, …, 11
Show("a = arange(12).reshape(3, 4)", a);
Claim(Same(a.Strides, [4, 1]), "row-major: one step down a row skips 4 elements, one step along it skips 1");

// Transpose swaps the strides. The storage is shared; the view is no longer contiguous.
var t = a.Transpose();
Show("t = a.T", t);
Claim(Same(t.Strides, [1, 4]) && ReferenceEquals(t.Storage, a.Storage), "a.T has strides [1, 4] and the same storage as a");
Claim(!t.IsContiguous, "a.T is not contiguous: reading it in row-major order jumps around the buffer");
Claim(ByStrides(t).SequenceEqual(t.ToDoubles()), "every element of a.T is storage[offset + i·1 + j·4]");

// A slice with a step: columns 1 and 3 of every row. Offset 1, strides [4, 2].
var s = a.Slice(1, 1, 4, step: 2);
Show("s = a[:, 1:4:2]", s);
Claim(s.Offset == 1 && Same(s.Strides, [4, 2]), "a[:, 1:4:2] starts at element 1 and steps 2 along a row");
Claim(ByStrides(s).SequenceEqual(s.ToDoubles()), "every element of the slice is storage[1 + i·4 + j·2]");

// Broadcasting: a stride of 0 repeats one row without copying it.
var row = NDArray.From([10.0, 20, 30, 40], [4], DType.Float32);
var rows = row.Expand(3, 4);
Show("row.expand(3, 4)", rows);
Claim(Same(rows.Strides, [0, 1]), "expand gives the new dim stride 0: three rows, one buffer of 4");
var sum = a + row;                           // [3,4] + [4]: row is broadcast to [3,4] the same way
Claim(sum.ToDoubles().SequenceEqual(flat.Select((v, k) => v + 10 * (k % 4 + 1))), "a + row adds the row to each of a's rows");

// [3,1] + [1,4] → [3,4]: both sides broadcast, an outer sum.
var col = NDArray.Arange(3).Reshape(3, 1) * 100;
var outer = col + NDArray.Arange(4).Reshape(1, 4);
Show("arange(3)[:, None]·100 + arange(4)[None, :]", outer);
Claim(outer.ToDoubles().SequenceEqual([0.0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203]), "[3,1] + [1,4] broadcasts to [3,4]");

// Contiguous() is where a copy finally happens: fresh storage in row-major order.
var c = t.Contiguous();
Claim(c.IsContiguous && !ReferenceEquals(c.Storage, a.Storage) && Same(c.Strides, [3, 1]),
    "t.contiguous() copies into new storage with strides [3, 1]");
// Reshape is free for a contiguous array; for the transposed view it has to copy first.
Claim(ReferenceEquals(a.Reshape(2, 6).Storage, a.Storage), "a.reshape(2, 6) is a view of a");
Claim(!ReferenceEquals(t.Reshape(12).Storage, a.Storage), "a.T.reshape(12) must copy: no strides can walk a.T's order through the buffer");
Console.WriteLine("lesson 1: all claims hold");

// The rule itself: each element of view v read straight from a's buffer by offset and strides.
double[] ByStrides(NDArray v)
{
    var values = new List<double>();
    for (int i = 0; i < v.Shape[0]; i++)
        for (int j = 0; j < v.Shape[1]; j++) values.Add(flat[v.Offset + i * v.Strides[0] + j * v.Strides[1]]);
    return values.ToArray();
}

static bool Same(int[] x, int[] y) => x.SequenceEqual(y);
static void Show(string what, NDArray x) =>
    Console.WriteLine($"{what}: shape [{string.Join(", ", x.Shape)}], strides [{string.Join(", ", x.Strides)}], offset {x.Offset}\n  {x}");
// Every lesson asserts what it prints: CI runs them (tests/Examples), so a claim that stops being true fails the build.
static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
