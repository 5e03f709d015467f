using System.Diagnostics;
using System.Runtime.InteropServices;
using Scratch.Gan.Training.Events;
using Xunit;

namespace Scratch.Tests.Events;

/// <summary>
/// A record decoded by an independent program: protoc, Google's own protocol buffer compiler (the
/// Grpc.Tools package ships it for the build), reads a payload this writer made with TensorBoard's
/// .proto files and prints it as text.
/// </summary>
public class ProtocDecodeTests
{
    [ProtocFact]
    public void Protoc_decodes_a_written_record_as_a_tensorboard_event()
    {
        var dir = TempDirs.New("scratch-protoc").FullName;
        try
        {
            string path;
            using (var w = new EventFileWriter(dir, () => 1_700_000_000.5))
            {
                path = w.Path;
                w.Scalars(42, ("loss/d", 0.5), ("d/real", 0.25));
            }
            var (payloads, _, error) = EventFileReader.ReadPayloads(path);
            Assert.Null(error);

            var text = Decode(payloads[1].Payload);
            Assert.Contains("wall_time: 1700000000.5", text);
            Assert.Contains("step: 42", text);
            Assert.Contains("tag: \"loss/d\"", text);
            Assert.Contains("simple_value: 0.5", text);
            Assert.Contains("tag: \"d/real\"", text);
            Assert.Contains("simple_value: 0.25", text);
            Assert.Contains("file_version: \"brain.Event:2\"", Decode(payloads[0].Payload));
        }
        finally { Directory.Delete(dir, true); }
    }

    static string Decode(byte[] payload)
    {
        var protos = Path.Combine(Architecture.LayerTests.RepoRoot(), "src", "Gan", "Training", "Events", "Protos");
        var start = new ProcessStartInfo(Protoc.Path!)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            ArgumentList = { "--decode=tensorboard.Event", "-I", protos, "tensorboard/compat/proto/event.proto" },
        };
        using var p = Process.Start(start)!;
        p.StandardInput.BaseStream.Write(payload);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"protoc failed ({p.ExitCode}): {errors}");
        return output.Result;
    }
}

/// <summary>protoc from the Grpc.Tools package in the NuGet package folder, for this machine's OS and processor; null when absent.</summary>
static class Protoc
{
    public static readonly string? Path = Find();

    static string? Find()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macosx" : "linux";
        var arch = RuntimeInformation.OSArchitecture switch { System.Runtime.InteropServices.Architecture.X64 => "x64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64", _ => "x86" };
        var tools = System.IO.Path.Combine(packages, "grpc.tools");
        if (!Directory.Exists(tools)) return null;
        return Directory.GetDirectories(tools).Order(StringComparer.Ordinal).Reverse()
            .Select(v => System.IO.Path.Combine(v, "tools", $"{os}_{arch}", OperatingSystem.IsWindows() ? "protoc.exe" : "protoc"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// A fact that needs protoc; skipped, saying so, where the Grpc.Tools package is not in the NuGet folder (a test bundle run without the SDK).
/// </summary>
public sealed class ProtocFactAttribute : FactAttribute
{
    public ProtocFactAttribute([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (Protoc.Path == null) Skipping.Because(this, test, "protoc (package Grpc.Tools) is not in the NuGet package folder");
    }
}
