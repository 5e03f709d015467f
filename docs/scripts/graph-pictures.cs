#:project ../../src/Gan/Scratch.Gan.csproj
// Draws the graph pictures of docs/autograd.md: `dotnet run docs/scripts/graph-pictures.cs` from the repository root.
using Scratch.Autograd;
using Scratch.Gan.Graph;
using Scratch.Gan.Models;
using Scratch.Layers;
using Scratch.Tensors;

var g = new RandomStream(0);
var images = Path.Combine("docs", "images");

// A 2-layer MLP and its squared error: x → Linear(3, 4) → ReLU → Linear(4, 1) → mean((y − t)²).
var mlp = new Sequential(new Linear(3, 4, g: g), new ReLU(), new Linear(4, 1, g: g));
foreach (var (name, p) in mlp.NamedParameters()) p.Name = name;
var x = Tensor.Uniform([8, 3], -1, 1, g: g); x.Name = "x";
var t = Tensor.Uniform([8, 1], -1, 1, g: g); t.Name = "target";
var loss = Losses.Mse(mlp.Call(x), t); loss.Name = "loss";
var mlpGraph = AutogradGraph.Capture(loss);
GraphPng.Save(Path.Combine(images, "graph-mlp.png"), mlpGraph, "2-layer MLP, mean squared error");
File.WriteAllText(Path.Combine(images, "graph-mlp.dot"), mlpGraph.ToDot("mlp"));

// WGAN-GP's gradient penalty on the same kind of critic: ∇ₓ̂ D(x̂) is recorded (createGraph), so the
// penalty's graph holds the critic's forward (black) and its backward (red).
var critic = new Sequential(new Linear(3, 4, g: g), new LeakyReLU(0.2), new Linear(4, 1, g: g));
foreach (var (name, p) in critic.NamedParameters()) p.Name = name;
var real = Tensor.Uniform([8, 3], -1, 1, g: g); real.Name = "real";
var fake = Tensor.Uniform([8, 3], -1, 1, g: g); fake.Name = "fake";
var gp = GanLosses.GradientPenalty(critic, real, fake, g); gp.Name = "penalty";
var criticLoss = GanLosses.D(LossKind.WassersteinGp, critic.Call(real), critic.Call(fake)) + gp * 10; criticLoss.Name = "critic loss";
var gpGraph = AutogradGraph.Capture(criticLoss);
GraphPng.Save(Path.Combine(images, "graph-wgan-gp-penalty.png"), gpGraph, "WGAN-GP critic loss with its gradient penalty; red = recorded by the double backward");
File.WriteAllText(Path.Combine(images, "graph-wgan-gp-penalty.dot"), gpGraph.ToDot("penalty"));

Console.WriteLine($"mlp: {mlpGraph.Nodes.Count} tensors, {mlpGraph.Edges.Count} edges");
Console.WriteLine($"penalty: {gpGraph.Nodes.Count} tensors, {gpGraph.Edges.Count} edges, {gpGraph.Edges.Count(e => e.FromBackward)} red");
