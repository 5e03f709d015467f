using System.CommandLine;

namespace Scratch.Gan.Cli;

/// <summary>`scratch graph`: the options; the work is Graph.GraphCommand's.</summary>
public static class GraphVerb
{
    static readonly Option<string> Model = Opt.Choice("--model", "the GAN whose one training step is drawn", "dcgan", Graph.GraphCommand.Models);
    static readonly Option<string?> Out = Opt.Text("--out", "(required) the picture to write", "FILE");
    static readonly Option<string?> Dot = Opt.Text("--dot", "also write the graph in Graphviz's DOT language to this file", "FILE");

    public static Command Define()
    {
        var command = new Command("graph", "draw a model's computation graph") { Model, Out, Dot };
        command.SetAction(p => Graph.GraphCommand.Run(p.GetValue(Model)!,
            p.GetValue(Out) ?? throw new UsageException("--out is required (the picture to write)"), p.GetValue(Dot)));
        return command;
    }
}
