namespace Scratch.Gan;

/// <summary>A user mistake on the command line: printed as one line, exit code 2, no stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
