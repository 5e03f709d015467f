using System.CommandLine;
using System.CommandLine.Parsing;

namespace Scratch.Gan.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into Scratch's one line. The library's own report is
/// several lines of error plus the whole help; a user (and a script reading stderr) gets one line
/// that names the mistake and, for a typo, the word that was probably meant.
/// </summary>
internal static class ParseErrors
{
    public static string OneLine(ParseResult p)
    {
        var command = p.CommandResult.Command;
        // Words nobody took: a typo'd option, an unknown verb, or a word too many.
        if (p.UnmatchedTokens.Count > 0)
        {
            var word = p.UnmatchedTokens[0];
            if (word.StartsWith('-'))
                return $"unknown option '{word}'" + Hint(word, OptionNames(command), $"scratch {Path(command)} --help");
            if (command is RootCommand)
                return $"unknown command '{word}'" + Hint(word, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name), "scratch help");
            if (command.Subcommands.Count > 0)
                return $"{command.Name}: unknown subcommand '{word}' (only: {string.Join(", ", command.Subcommands.Select(c => c.Name))})";
            return $"unexpected argument '{word}' (scratch {Path(command)} takes none there)";
        }
        // An option at the end of the line, or followed by another option, with no value of its own.
        var first = p.Errors[0];
        if (first.SymbolResult is OptionResult { Tokens.Count: 0 } o && o.Option.Arity.MinimumNumberOfValues > 0)
            return $"{o.Option.Name} needs a value";
        if (first.SymbolResult is OptionResult { Tokens.Count: > 1 } twice && twice.Option.Arity.MaximumNumberOfValues == 1)
            return $"{twice.Option.Name} given more than once";
        // Otherwise the first error: ours from Opt's parsers, already one line naming the option.
        return first.Message.Split('\n')[0].Trim();
    }

    static string Hint(string word, IEnumerable<string> known, string help) =>
        Suggest.DidYouMean(word, known) is { } s ? $" ({s})" : $" (try: {help})";

    /// <summary>Every spelling of every visible option of the command, and of its parents' recursive ones (--help).</summary>
    static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Concat(command.Parents.OfType<Command>().SelectMany(c => c.Options).Where(o => o.Recursive))
            .Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));

    /// <summary>"classifier train" for a nested verb, "" for the root.</summary>
    public static string Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(" ", names);
    }
}
