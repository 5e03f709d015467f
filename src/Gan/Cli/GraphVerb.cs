// ── The slot for `scratch graph` ─────────────────────────────────────────────────────────────────
// Scratch.Gan.Graph.GraphCommand (src/Gan/Graph/, another branch) draws a model's computation graph:
//     public static int Run(string model, string outPath, string? dotPath)
// To wire it once that file is merged: delete the #if/#endif lines below, and uncomment
// `GraphVerb.Define(),` in Cli/ScratchCli.cs. The README test then asks for a `scratch graph` line in
// README's command list (copy the options from `scratch graph --help`).
#if SCRATCH_GRAPH
using System.CommandLine;
using Scratch.Gan.Models;

namespace Scratch.Gan.Cli;

/// <summary>`scratch graph`: the options; the work is Graph.GraphCommand's.</summary>
public static class GraphVerb
{
    static readonly Option<string> Model = Opt.Choice("--model", "the GAN whose graph is drawn", "dcgan", Zoo.ModelNames);
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
#endif
