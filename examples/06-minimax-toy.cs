#:project ../src/Toy/Scratch.Toy.csproj
// Lesson 6 — the smallest game that shows why GAN training circles: f(x, y) = x·y, x minimises, y maximises.
// Run: dotnet run -c Release examples/06-minimax-toy.cs      (the full story: docs/minimax-toy.md)
//
// The only equilibrium is the saddle (0, 0). The gradient field (∂f/∂x, ∂f/∂y) = (y, x) turns around
// it, so each player's best local move makes the other's worse: plain gradient descent–ascent does
// not walk into the saddle, it circles it — outwards when both step at once. The methods are in
// src/Toy/Minimax.cs; their gradients come from the autograd engine (Game.Gradient calls Engine.Grad).
using Scratch.Toy;

const double Eta = 0.2;
const int Steps = 60;
var start = new Point(1, 1);
var game = Game.Bilinear;

var (dx, dy) = game.Gradient(new Point(2, -3));
Console.WriteLine($"{game.Formula}: autograd's gradient at (2, −3) is ({dx}, {dy})");
Claim(dx == -3 && dy == 2, "∂(xy)/∂x = y and ∂(xy)/∂y = x, from the engine");

Console.WriteLine($"\nη = {Eta}, {Steps} steps from {start} (|z₀| = {start.Norm:F4}):");
var norms = new Dictionary<string, double>();
foreach (var method in Methods.Names)
{
    var path = Methods.Run(method, game, start, Eta, Steps);
    norms[method] = path[^1].Norm;
    var every = string.Join("  ", path.Where((_, t) => t % 15 == 0).Select(p => p.Norm.ToString("F3")));
    Console.WriteLine($"  {method,-13} |z| every 15 steps: {every}   final point {path[^1]}");
}

// Simultaneous GDA multiplies the distance by exactly √(1 + η²) each step: an outward spiral.
double grow = start.Norm * Math.Pow(1 + Eta * Eta, Steps / 2.0);
Claim(Math.Abs(norms["simultaneous"] - grow) < 1e-9 * grow, $"simultaneous: |z| = |z₀|·(1+η²)^(t/2) = {grow:F4} — it spirals out");
// Alternating GDA is a linear map with determinant 1: it neither grows nor shrinks; it orbits.
Claim(norms["alternating"] is > 0.5 and < 2.5, $"alternating: |z| = {norms["alternating"]:F4} stays on a bounded orbit, never reaching 0");
// Looking ahead (extragradient, optimistic) damps the rotation: these do converge to the saddle.
Claim(norms["extragradient"] < 0.5 * start.Norm, $"extragradient: |z| shrank to {norms["extragradient"]:F4}");
Claim(norms["optimistic"] < 0.5 * start.Norm, $"optimistic: |z| shrank to {norms["optimistic"]:F4}");
Console.WriteLine("lesson 6: all claims hold");

static void Claim(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) Environment.Exit(1);
}
