using System.CommandLine;
using System.CommandLine.Invocation;

namespace Scratch.Gan.Cli;

/// <summary>
/// The `scratch` command tree, built with System.CommandLine: one <see cref="Command"/> per verb, each
/// defined next to its implementation (TrainCommand.Define, …). The library parses, writes
/// `scratch VERB --help` (defaults and allowed values included) and answers the shell's tab
/// completion through dotnet-suggest; Scratch keeps its own rule for mistakes: one line, exit 2.
/// </summary>
public static class ScratchCli
{
    /// <summary>Built once: an option belongs to one command, and the tree never changes.</summary>
    public static RootCommand Root => _root.Value;
    static readonly Lazy<RootCommand> _root = new(Build);

    static RootCommand Build()
    {
        var root = new RootCommand("Scratch: GANs trained with a tensor and autograd framework written from scratch in C#.")
        {
            TrainCommand.Define(),
            SampleCommands.DefineSample(),
            SampleCommands.DefineInterpolate(),
            SampleCommands.DefineTraverse(),
            EvalCommand.Define(),
            PickCommand.Define(),
            ClassifierCommand.Define(),
            SweepCommand.Define(),
            WatchCommand.Define(),
            DevicesCommand.Define(),
            Bench.Define(),
            GraphCommand.Define(),
            CourseCommand.Define(),
            HelpVerb(),
        };
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. A parse error becomes a <see cref="UsageException"/> (one line,
    /// exit 2, written by Program.Main); anything a verb throws reaches Program.Main untouched.
    /// </summary>
    public static int Run(IReadOnlyList<string> argv)
    {
        // No verb at all: the overview, and exit 2 as for any incomplete command line.
        if (argv.Count == 0) { Run(["--help"]); return 2; }
        var parse = Root.Parse(argv);
        // --help and --version clear the errors (and run); otherwise an error means ParseErrorAction, whose
        // report (error lines plus the whole help) we replace with our one line.
        if (parse.Action is ParseErrorAction) throw new UsageException(ParseErrors.OneLine(parse));
        return parse.Invoke(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,   // Program.Main turns exceptions into one line
            Output = Console.Out,                    // read now: tests swap Console.Out per call
            Error = Console.Error,
        });
    }

    /// <summary>`scratch help [VERB…]`: the same text as `scratch [VERB…] --help`.</summary>
    static Command HelpVerb()
    {
        var verb = new Argument<string[]>("verb") { Arity = ArgumentArity.ZeroOrMore, HelpName = "VERB",
            Description = "the verb to explain, e.g. train or classifier train" };
        verb.CompletionSources.Add(_ => Root.Subcommands.Select(c => new System.CommandLine.Completions.CompletionItem(c.Name)));
        var help = new Command("help", "list the verbs, or show one verb's options") { verb };
        help.SetAction(p =>
        {
            var parse = Root.Parse([.. p.GetValue(verb) ?? [], "--help"]);
            // --help would hide a mistyped verb behind the overview; name it instead.
            if (parse.UnmatchedTokens.Count > 0) throw new UsageException(ParseErrors.OneLine(parse));
            return parse.Invoke(new InvocationConfiguration { Output = Console.Out, Error = Console.Error });
        });
        return help;
    }
}
