using Scratch.Layers;
using System.CommandLine;
using Scratch.Gan.Graph;
using Scratch.Gan.Models;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch graph --model vanilla|dcgan|wgan-gp --out FILE.png [--dot FILE.dot]`: draws the graph
/// autograd would walk back through for one training step (<see cref="StepGraph"/>).
/// </summary>
public static class GraphCommand
{
    static readonly string[] ModelNames = StepGraph.Models.Select(Setting.Name).ToArray();
    static readonly Option<string> Model = Opt.Choice("--model", "the GAN whose one training step is drawn", "dcgan", ModelNames);
    static readonly Option<string?> Out = Opt.Text("--out", "(required) the picture to write", "FILE");
    static readonly Option<string?> Dot = Opt.Text("--dot", "also write the graph in Graphviz's DOT language to this file", "FILE");

    public static Command Define()
    {
        var command = new Command("graph", "draw a model's computation graph") { Model, Out, Dot };
        command.SetAction(p => Run(p.GetValue(Model)!,
            p.GetValue(Out) ?? throw new UsageException("--out is required (the picture to write)"), p.GetValue(Dot)));
        return command;
    }

    /// <summary>Writes the PNG (and the DOT text if dotPath is given); 0 on success, 2 with one line on stderr otherwise.</summary>
    public static int Run(string model, string outPath, string? dotPath)
    {
        if (!Setting.TryParse<ModelKind>(model, out var kind) || !StepGraph.Models.Contains(kind))
        {
            Console.Error.WriteLine($"graph: unknown model '{model}' (choose one of {string.Join(", ", ModelNames)})");
            return 2;
        }
        try
        {
            var graph = StepGraph.Capture(kind, batch: 2);
            GraphPng.Save(outPath, graph, $"{model}: one training step (D loss, G loss); red = recorded by a double backward");
            if (dotPath != null) AtomicFile.WriteText(dotPath, graph.ToDot(model), "graph.dot");
            int red = graph.Edges.Count(e => e.FromBackward);
            Console.WriteLine(
                $"graph: {graph.Nodes.Count} tensors, {graph.Edges.Count} edges ({red} from a double backward) -> {outPath}{(dotPath != null
                ? $", {dotPath}" : "")}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
