using Spectre.Console;

namespace Scratch.Gan.Cli;

/// <summary>
/// Whether output goes to a person at a terminal, who gets Spectre.Console's tables and progress bar,
/// or to a file, pipe, CI log or test, which get the plain lines that scripts and tests read.
/// </summary>
internal static class Terminal
{
    /// <summary>Stdout is a terminal; TERM=dumb or SCRATCH_PLAIN=1 ask for plain lines anyway.</summary>
    public static bool Interactive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
        && Environment.GetEnvironmentVariable("SCRATCH_PLAIN") is null or "" or "0";

    /// <summary>A Spectre console on today's Console.Out, made fresh so it follows Console.SetOut.</summary>
    public static IAnsiConsole Ansi() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
}
