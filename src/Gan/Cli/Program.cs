using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>
/// The `scratch` command: one verb per job (Cli/ScratchCli.cs holds the tree; `scratch help` lists it).
/// Every user mistake is one line on stderr and exit code 2; a failure while running is one line and exit 1.
/// </summary>
public static class Program
{
    public static int Main(string[] argv)
    {
        try { return ScratchCli.Run(argv); }
        catch (UsageException e) { return Fail(e.Message, 2); }
        catch (Training.TrainingDivergedException e) { return Fail(e.Message, 1); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or InvalidOperationException
            or UnauthorizedAccessException)
        {
            return Fail(e.Message, 1);
        }
    }

    static int Fail(string message, int code)
    {
        Console.Error.WriteLine("scratch: " + message.Split('\n')[0].Trim());
        return code;
    }

    /// <summary>--device as given, else the SCRATCH_DEVICE variable, else auto; an unknown or unusable one is a usage error.</summary>
    internal static Device DeviceOption(string? spec)
    {
        spec ??= Environment.GetEnvironmentVariable("SCRATCH_DEVICE") ?? "auto";
        try { return Device.Get(spec); }
        catch (ArgumentException e) { throw new UsageException("--device: " + e.Message); }
    }
}
