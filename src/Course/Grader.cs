using System.Diagnostics;
using System.Xml.Linq;

namespace Scratch.Course;

/// <summary>One test's outcome: its full name (theories carry their arguments), whether it passed, and why not.</summary>
public sealed record TestOutcome(string Name, string Outcome, string Message)
{
    public bool Passed => Outcome == "Passed";

    /// <summary>The method's name without a theory's arguments: what <see cref="TaskTests"/> lists.</summary>
    public string Method => Name.Contains('(') ? Name[..Name.IndexOf('(')] : Name;
}

/// <summary>A test run: each test's outcome, or — when nothing ran — the build's error lines.</summary>
public sealed record TestRun(List<TestOutcome> Tests, List<string> BuildErrors, int ExitCode);

/// <summary>
/// Runs tasks' tests in a clone or a learner's copy: `dotnet test tests -c Release --filter "Task=4.2|…"`
/// with a TRX log, read back per test. The assertion messages are the hints: GradCheck's report of the
/// Jacobian rows that differ, or the blanked region's own "Task 4.2: …" while it is still blank.
/// </summary>
public static class Grader
{
    public static string Filter(IEnumerable<string> ids) => string.Join("|", ids.Select(id => $"Task={id}"));

    /// <summary>
    /// Builds and runs the tests of <paramref name="ids"/> in <paramref name="root"/>; <paramref name="log"/> gets the build's progress lines.
    /// </summary>
    public static TestRun Run(string root, IReadOnlyCollection<string> ids, TextWriter? log = null)
    {
        var results = Directory.CreateTempSubdirectory("scratch-course-");
        try
        {
            var psi = new ProcessStartInfo("dotnet", ["test", "tests", "-c", "Release", "--filter", Filter(ids),
                "--logger", "trx;LogFileName=course.trx", "--results-directory", results.FullName])
            { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            var output = new List<string>();
            using var dotnet = Process.Start(psi) ?? throw new CourseException("could not start dotnet (is the .NET SDK on PATH?)");
            dotnet.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Add(e.Data); };
            dotnet.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Add(e.Data); };
            dotnet.BeginOutputReadLine();
            dotnet.BeginErrorReadLine();
            dotnet.WaitForExit();
            var trx = Path.Combine(results.FullName, "course.trx");
            var tests = File.Exists(trx) ? ReadTrx(XDocument.Load(trx)) : [];
            // Compiler errors, once each (MSBuild repeats them in its summary).
            var errors = output.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
            return new TestRun(tests, errors, dotnet.ExitCode);
        }
        catch (System.ComponentModel.Win32Exception) { throw new CourseException("could not start dotnet (is the .NET SDK on PATH?)"); }
        finally { results.Delete(recursive: true); }
    }

    /// <summary>Each UnitTestResult of a TRX (Visual Studio's test result file): name, outcome, error message.</summary>
    public static List<TestOutcome> ReadTrx(XDocument trx)
    {
        XNamespace ns = trx.Root!.Name.Namespace;
        return trx.Descendants(ns + "UnitTestResult").Select(r => new TestOutcome(
            (string?)r.Attribute("testName") ?? "",
            (string?)r.Attribute("outcome") ?? "",
            r.Element(ns + "Output")?.Element(ns + "ErrorInfo")?.Element(ns + "Message")?.Value.Trim() ?? "")).ToList();
    }
}
