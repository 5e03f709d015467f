using System.CommandLine;
using System.Text.RegularExpressions;
using Scratch.Course;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch course init|list|grade`: exercise mode. `init` writes a learner's copy of this clone with each
/// TASK-marked region blanked; `list` shows the tasks (and with --check, which pass); `grade` runs one task's
/// tests and prints what failed. The work is Scratch.Course's; this file parses and prints.
/// </summary>
public static class CourseCommand
{
    static readonly Argument<string> InitDir = new("dir") { HelpName = "DIR",
        Description = "the new folder for the learner's copy (must not exist or be empty)" };
    static readonly Option<int> From = Opt.Int("--from", "blank the tasks of this module and later; earlier modules keep their solutions", 0, min: 0);
    static readonly Option<string> Dir = Opt.Text("--dir", "the learner's copy (or a clone, to see the solutions pass)", "DIR", ".");
    static readonly Option<bool> Check = Opt.Flag("--check", "build and run every task's tests: pass, todo (still blank), FAIL (takes a build)");
    static readonly Argument<string> Id = new("task") { HelpName = "ID", Description = "the task to grade, e.g. 2.1 (or a question's, e.g. Q5.1)" };

    // Not [GeneratedRegex]: its generated types would live outside Scratch.Gan's layers (LayerTests).
    static readonly Regex TaskId = new(@"^Q?\d+\.\d+$");

    public static Command Define()
    {
        var init = new Command("init", "write a learner's copy of this clone with every task's code blanked") { InitDir, From };
        init.SetAction(RunInit);
        var list = new Command("list", "the tasks: id, where, what to write (and with --check, which pass)") { Dir, Check };
        list.SetAction(RunList);
        var grade = new Command("grade", "run one task's tests; print what failed, with the checks' own messages") { Id, Dir };
        grade.SetAction(RunGrade);
        var course = new Command("course", "exercise mode, graded by tests: course init | list | grade (docs/course.md)") { init, list, grade };
        course.SetAction(NeedsSubcommand);
        return course;
    }

    static int NeedsSubcommand(ParseResult _) =>
        throw new UsageException("course needs a subcommand: scratch course init DIR | scratch course list | scratch course grade ID");

    static T Course<T>(Func<T> work)
    {
        try { return work(); }
        catch (CourseException e) { throw new UsageException(e.Message); }
    }

    static int RunInit(ParseResult p)
    {
        var dest = p.GetValue(InitDir)!;
        int from = p.GetValue(From);
        var root = Course(() => Clone.RequireRoot("."));
        var tasks = Course(() => Clone.Init(root, dest, from));
        if (tasks.Count == 0) Console.WriteLine($"scratch course init: wrote {dest}, a copy of {root}; no task is in module {from} or later");
        else
        {
            Console.WriteLine($"scratch course init: wrote {dest}, a copy of {root} with {tasks.Count} tasks blanked "
                + $"(modules {tasks.Min(t => t.Module)} to {tasks.Max(t => t.Module)}{(from > 0
                    ? $"; modules before {from} keep their solutions" : "")})");
            // Grade from here (or with the installed tool), pointing --dir at the copy: the grader builds the
            // copy, and a `dotnet run` inside it would rebuild the very program that is running.
            var first = tasks[0];
            var full = Path.GetFullPath(dest);
            Console.WriteLine($"next, from {root} (or with the installed tool, `scratch course …`):");
            Console.WriteLine($"  dotnet run --project src/Gan -c Release -- course list --dir {full}");
            Console.WriteLine($"  write task {first.Id} in {Path.Combine(full, first.File)}:{first.Line} ({first.Hint})");
            Console.WriteLine($"  dotnet run --project src/Gan -c Release -- course grade {first.Id} --dir {full}");
            Console.WriteLine("the path, module by module: docs/course.md");
        }
        return 0;
    }

    static int RunList(ParseResult p)
    {
        var root = Course(() => Clone.RequireRoot(p.GetValue(Dir)!));
        var tasks = Course(() => Clone.Tasks(root));
        var questions = Course(() => Clone.Questions(root));
        var tests = Course(() => TaskTests.Find(root));
        if (tasks.Count == 0) throw new UsageException($"{root} has no TASK markers under src/");
        var rows = tasks.Concat(questions).ToList();
        Dictionary<string, string>? status = null;
        if (p.GetValue(Check))
        {
            var graded = rows.Where(t => tests.ContainsKey(t.Id)).Select(t => t.Id).ToList();
            Console.WriteLine($"building {root} and running the tests of {graded.Count} tasks and questions…");
            var run = Course(() => Grader.Run(root, graded));
            if (run.Tests.Count == 0) return BuildFailed(run);
            status = rows.ToDictionary(t => t.Id,
                t => t.Id.StartsWith('Q') && !tests.ContainsKey(t.Id) ? "read" : Status(t.Id, run, tests.GetValueOrDefault(t.Id) ?? []));
        }
        int idWidth = rows.Max(t => t.Id.Length), whereWidth = rows.Max(t => t.Where.Length);
        foreach (var t in rows)
        {
            var state = status == null ? "" : $"{status[t.Id],-10}";
            Console.WriteLine($"{t.Id.PadRight(idWidth)}  {state}{t.Where.PadRight(whereWidth)}  {t.Hint}");
        }
        if (status != null)
            Console.WriteLine($"{tasks.Count(t => status[t.Id] == "pass")} of {tasks.Count} tasks pass, "
                + $"{tasks.Count(t => status[t.Id] == "todo")} are still blank; "
                + $"{questions.Count(q => status[q.Id] == "pass")} of {questions.Count(q => tests.ContainsKey(q.Id))} answers check out");
        return 0;
    }

    /// <summary>
    /// pass: every test of the task passed. todo: a test fails on the task's own blank ("Task 2.1: …"), so it
    /// is not written yet (or a question not answered). needs 0.1: a test stops at another task's blank first.
    /// FAIL: written, and wrong. A question with no numeric part shows "read": its answer is hidden in its page.
    /// </summary>
    internal static string Status(string id, TestRun run, List<string> names)
    {
        if (names.Count == 0) return "no tests";
        var mine = run.Tests.Where(r => names.Contains(r.Method)).ToList();
        if (mine.Count > 0 && mine.All(r => r.Passed)) return "pass";
        var blanks = mine.Select(r => BlankMessage.Match(r.Message)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        return blanks.Contains(id) ? "todo" : blanks.Count > 0 ? $"needs {blanks[0]}" : "FAIL";
    }

    /// <summary>What a blanked region throws, as the test runner reports it: "System.NotImplementedException : Task 2.1: …".</summary>
    static readonly Regex BlankMessage = new(@"NotImplementedException\s*:\s*Task (Q?\d+\.\d+): ");

    static int RunGrade(ParseResult p)
    {
        var id = p.GetValue(Id)!;
        if (!TaskId.IsMatch(id)) throw new UsageException($"task '{id}': a task id looks like 2.1 (a question's like Q5.1)");
        var root = Course(() => Clone.RequireRoot(p.GetValue(Dir)!));
        var tasks = Course(() => Clone.Tasks(root).Concat(Clone.Questions(root)).ToList());
        var tests = Course(() => TaskTests.Find(root));
        if (!tests.ContainsKey(id))
        {
            var known = tasks.Select(t => t.Id).Where(tests.ContainsKey).Order(Comparer<string>.Create(CourseTask.Compare));
            throw new UsageException($"no tests for task {id}; the tasks: {string.Join(" ", known)}");
        }
        var task = tasks.FirstOrDefault(t => t.Id == id);
        Console.WriteLine(task == null ? $"grading {id}…" : $"grading {id} ({task.Where}: {task.Hint})…");
        var run = Course(() => Grader.Run(root, [id]));
        if (run.Tests.Count == 0) return BuildFailed(run);
        foreach (var t in run.Tests.OrderBy(t => t.Passed))
        {
            Console.WriteLine($"  {(t.Passed ? "pass" : "FAIL")}  {t.Name}");
            if (!t.Passed) foreach (var line in t.Message.Split('\n')) Console.WriteLine("        " + line.TrimEnd());
        }
        int failed = run.Tests.Count(t => !t.Passed);
        Console.WriteLine(failed == 0 ? $"task {id} passes: {run.Tests.Count} of {run.Tests.Count} tests"
            : $"task {id} is not done: {failed} of {run.Tests.Count} tests fail");
        return failed == 0 ? 0 : 1;
    }

    static int BuildFailed(TestRun run)
    {
        foreach (var e in run.BuildErrors.Take(20)) Console.WriteLine(e);
        Console.WriteLine(run.BuildErrors.Count > 0 ? "the code does not build: fix the errors above, then grade again"
            : $"no test ran (dotnet test exited with {run.ExitCode})");
        return 1;
    }
}
