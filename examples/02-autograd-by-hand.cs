#:project ../src/Autograd/Scratch.Autograd.csproj
// Lesson 2 — a backward pass by hand, then the same numbers from the engine.
// Run: dotnet run -c Release examples/02-autograd-by-hand.cs
//
// One neuron on four examples:  z = x·w + b,  h = tanh(z),  L = mean((h − y)²).
// By hand, the chain rule run backwards from L, one local derivative per step:
//   dL/dh = 2(h − y)/N      dL/dz = dL/dh · (1 − h²)      dL/dw = xᵀ·dL/dz      dL/db = Σ dL/dz
// The engine records the same four ops while the forward runs, then walks them in reverse,
// each op's backward doing exactly one of the lines above.
using Scratch.Autograd;
using Scratch.Tensors;

const DType F64 = DType.Float64;   // float64, so the two answers can agree to ~1e-15
var x = NDArray.From([0.5, -1.0, 2.0, 1.5, 0.3, -0.7, -2.0, 0.1, 0.4, 0.9, 1.1, -0.2], [4, 3], F64);
var y = NDArray.From([1.0, -1.0, 0.5, 0.0], [4, 1], F64);
var w = NDArray.From([0.1, -0.2, 0.3], [3, 1], F64);
var b = NDArray.From([0.05], [1], F64);
int n = 4;

// ---- by hand: NDArray only, nothing recorded ----
var z = x.MatMul(w) + b;                     // [4,1]; b is broadcast over the rows
var h = z.Tanh();
var loss = ((h - y) * (h - y)).Mean().Item();
var dh = (h - y) * (2.0 / n);
var dz = dh * (1 - h * h);                   // tanh' = 1 − tanh²
var dw = x.Transpose().MatMul(dz);           // [3,4]·[4,1] = [3,1]
var db = dz.Sum([0]);                        // b was broadcast over 4 rows, so its gradient sums them
Console.WriteLine($"by hand:    L = {loss:F12}\n  dL/dw = {dw}\n  dL/db = {db}");

// ---- the engine: the same formula on Tensors that require grad ----
var W = new Tensor(w.Clone(), requiresGrad: true) { Name = "w" };
var B = new Tensor(b.Clone(), requiresGrad: true) { Name = "b" };
var X = new Tensor(x); var Y = new Tensor(y);
var H = (X.MatMul(W) + B).Tanh();
var L = (H - Y).Pow(2).Mean();
Console.WriteLine($"engine:     L = {L.Item():F12}   (recorded: {L})");
L.Backward();
Console.WriteLine($"  w.grad = {W.Grad}\n  b.grad = {B.Grad}");

Claim(Math.Abs(L.Item() - loss) < 1e-15, "the engine's forward is the same number");
Claim(MaxDiff(dw, W.Grad!.Data) < 1e-15, "w.grad equals the hand-derived xᵀ·(2(h−y)/N·(1−h²))");
Claim(MaxDiff(db, B.Grad!.Data) < 1e-15, "b.grad equals the hand-derived Σ over the batch");

// The recorded graph, as Graphviz DOT (docs/autograd.md shows it drawn): leaves w, b; ops matmul, add, tanh, sub,
// pow, and mean recorded as a sum then a scaling by 1/N ("scale_shift").
var dot = L.ToDot();
Console.WriteLine(string.Join("\n", dot.Split('\n').Where(l => l.Contains("label")).Take(4)) + "\n  …");
foreach (var op in new[] { "matmul", "add", "tanh", "sub", "pow", "sum" })
    Claim(dot.Contains($"label=\"{op}\\n"), $"the graph has a '{op}' node");

// A second backward accumulates into .grad (as in PyTorch): the gradient doubles unless it is zeroed.
var L2 = ((X.MatMul(W) + B).Tanh() - Y).Pow(2).Mean();
L2.Backward();
Claim(MaxDiff(dw * 2, W.Grad.Data) < 1e-15, "backward twice without zero_grad: w.grad = 2·dL/dw");
Console.WriteLine("lesson 2: all claims hold");

static double MaxDiff(NDArray p, NDArray q) => p.ToDoubles().Zip(q.ToDoubles(), (u, v) => Math.Abs(u - v)).Max();
static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
