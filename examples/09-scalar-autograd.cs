#:project ../src/Autograd/Scratch.Autograd.csproj
// Lesson 9 — autograd on single numbers: micrograd's idea (Karpathy) with src/Autograd/Value.cs.
// Run: dotnet run -c Release examples/09-scalar-autograd.cs
//
// A Value holds a number, the Values it was computed from, and a closure that passes a gradient back to
// them (the local derivative times the gradient that arrived). Backward() orders the graph so that every
// node comes after its inputs, sets the output's gradient to 1, and runs the closures last to first.
// That is all of reverse mode; Tensor (lesson 2) does the same with arrays in place of numbers.
using Scratch.Autograd;

// ---- one neuron, o = tanh(x1·w1 + x2·w2 + b), the example micrograd's video works by hand ----
Value x1 = 2.0, x2 = 0.0, w1 = -3.0, w2 = 1.0, b = 6.8813735870195432;
var n = x1 * w1 + x2 * w2 + b;
var o = n.Tanh();
o.Backward();
Console.WriteLine($"n = {n.Data:F6}, o = tanh(n) = {o.Data:F6}");
Console.WriteLine($"grads: x1 {x1.Grad:F6}, w1 {w1.Grad:F6}, x2 {x2.Grad:F6}, w2 {w2.Grad:F6}, b {b.Grad:F6}");
// By hand: do/dn = 1 − tanh² n = 1 − o²; then each product passes it on times the other factor.
double dn = 1 - o.Data * o.Data;
Claim(Math.Abs(dn - 0.5) < 1e-6, $"do/dn = 1 − o² = {dn:F6}: b was chosen so that o = 1/√2");
Claim(x1.Grad == w1.Data * dn && w1.Grad == x1.Data * dn, "x1.grad = w1·do/dn and w1.grad = x1·do/dn (mul's backward)");
Claim(w2.Grad == 0, "w2.grad = x2·do/dn = 0: an input of 0 makes its weight's gradient 0");

// ---- the order Backward walks: each node after all of its inputs ----
var order = o.Topological();
Console.WriteLine("topological order: " + string.Join(" ", order.Select(v => v.Op == "" ? $"{v.Data:G3}" : v.Op)));
Claim(order.All(v => v.Inputs.All(i => order.IndexOf(i) < order.IndexOf(v))), "every node comes after its inputs, the output last");

// ---- a value used twice: its gradient is the sum over both paths (hence += in every closure) ----
Value a = 3.0;
var twice = a + a;   // d(a + a)/da = 2
twice.Backward();
Claim(a.Grad == 2, $"a + a: a.grad = {a.Grad} (two paths of 1 each, added; = would have kept 1)");
Value c = -2.0;
var mixed = c * c + c.Exp();   // 2c + eᶜ
mixed.Backward();
Claim(Math.Abs(c.Grad - (2 * c.Data + Math.Exp(c.Data))) < 1e-15, $"c·c + exp(c): c.grad = 2c + eᶜ = {c.Grad:F6}");

// ---- every gradient against a finite difference: the check GradCheck does for tensors (lesson 3) ----
Value F(double[] p) => ((p[0] * (Value)p[1] + p[2]).Tanh() - 0.5).Pow(2) / (Value)(1 + p[1] * p[1]);
double[] at = [0.7, -1.3, 0.4];
var leaves = at.Select(v => new Value(v)).ToArray();
var f = ((leaves[0] * leaves[1] + leaves[2]).Tanh() - 0.5).Pow(2) / (1 + leaves[1] * leaves[1]);
f.Backward();
double worst = 0;
for (int i = 0; i < at.Length; i++)
{
    double[] up = (double[])at.Clone(), down = (double[])at.Clone();
    up[i] += 1e-6; down[i] -= 1e-6;
    double numerical = (F(up).Data - F(down).Data) / 2e-6;
    Console.WriteLine($"  ∂f/∂p{i}: backward {leaves[i].Grad,12:F8}   central difference {numerical,12:F8}");
    worst = Math.Max(worst, Math.Abs(numerical - leaves[i].Grad));
}
Claim(worst < 1e-8, $"backward agrees with central differences to {worst:E1}");

// ---- a tiny MLP of Values learns four points: micrograd's demo, gradient descent by hand ----
// A Value's number is fixed once made, so each step makes new leaves from the current weights.
double[][] xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
double[] ys = [1, -1, -1, 1];
var g = new Random(1);
var weights = Enumerable.Range(0, 4 * 4 + 5).Select(_ => g.NextDouble() * 2 - 1).ToArray();   // 4 neurons of 3 weights + a bias; 4 + 1 out
Value Neuron(Value[] w, Value[] inputs) => inputs.Select((v, i) => w[i] * v).Aggregate(w[^1], (s, t) => s + t).Tanh();
Value Predict(Value[] w, double[] x) =>
    Neuron(w[16..], [.. Enumerable.Range(0, 4).Select(k => Neuron(w[(4 * k)..(4 * k + 4)], [.. x.Select(v => new Value(v))]))]);
Value Loss(Value[] w) => xs.Select((x, i) => (Predict(w, x) - ys[i]).Pow(2)).Aggregate((s, t) => s + t);
double first = 0, last = 0;
for (int step = 0; step < 100; step++)
{
    var w = weights.Select(v => new Value(v)).ToArray();
    var loss = Loss(w);
    loss.Backward();
    for (int i = 0; i < weights.Length; i++) weights[i] -= 0.1 * w[i].Grad;
    if (step == 0) first = loss.Data;
    last = loss.Data;
    if (step % 25 == 0 || step == 99) Console.WriteLine($"  step {step,3}: loss {loss.Data:F4}");
}
var final = weights.Select(v => new Value(v)).ToArray();
var predictions = xs.Select(x => Predict(final, x).Data).ToArray();
Console.WriteLine($"predictions {string.Join(", ", predictions.Select(v => v.ToString("F3")))} for targets {string.Join(", ", ys)}");
Claim(last < first / 10, $"100 steps of gradient descent: the loss fell from {first:F3} to {last:F4}");
Claim(predictions.Zip(ys).All(p => Math.Sign(p.First) == Math.Sign(p.Second)), "every prediction has its target's sign");
Console.WriteLine("lesson 9: all claims hold");

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
