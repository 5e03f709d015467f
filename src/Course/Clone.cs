using System.Diagnostics;

namespace Scratch.Course;

/// <summary>
/// A clone of Scratch (the folder that holds Scratch.sln): where the solutions live, and what `course init`
/// copies. Tasks are marked only under src/; examples/ and tests/ are copied as they are.
/// </summary>
public static class Clone
{
    public const string Solution = "Scratch.sln";

    /// <summary>The folder holding Scratch.sln at or above <paramref name="start"/>, or null.</summary>
    public static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Solution))) return dir.FullName;
        return null;
    }

    /// <summary>Like <see cref="FindRoot"/>, or one line saying what is missing.</summary>
    public static string RequireRoot(string start) =>
        FindRoot(start) ?? throw new CourseException($"{Path.GetFullPath(start)} is not in a clone of Scratch (no {Solution} here or above)");

    /// <summary>
    /// The clone's files, relative to its root, '/'-separated: what git tracks plus new files it does not
    /// ignore; without git (a copy, an unpacked archive), every file except .git, bin/ and obj/.
    /// </summary>
    public static List<string> Files(string root)
    {
        var listed = GitFiles(root);
        if (listed != null) return listed.Where(f => File.Exists(Path.Combine(root, f))).Order(StringComparer.Ordinal).ToList();
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is ".git" or "bin" or "obj"))
            .Order(StringComparer.Ordinal).ToList();
    }

    static List<string>? GitFiles(string root)
    {
        if (!Path.Exists(Path.Combine(root, ".git"))) return null;
        try
        {
            var psi = new ProcessStartInfo("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var git = Process.Start(psi)!;
            var output = git.StandardOutput.ReadToEnd();
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList() : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }   // no git on PATH: walk the tree instead
    }

    /// <summary>Where the answers to the questions' numeric parts live, one file per question (Q5.1.txt).</summary>
    public const string Answers = "questions/answers/";

    /// <summary>A question's answer file: in the clone it holds the answer; a learner's copy leaves it out.</summary>
    public static bool IsAnswer(string relative) =>
        relative.StartsWith(Answers, StringComparison.Ordinal) && Path.GetFileName(relative).StartsWith('Q')
            && relative.EndsWith(".txt", StringComparison.Ordinal);

    /// <summary>Whether the course rewrites this file: C# under src/.</summary>
    public static bool MayHoldTasks(string relative) =>
        relative.StartsWith("src/", StringComparison.Ordinal) && relative.EndsWith(".cs", StringComparison.Ordinal);

    /// <summary>Every task marked in the clone (or a learner's copy: the markers stay), in id order.</summary>
    public static List<CourseTask> Tasks(string root)
    {
        var tasks = new List<CourseTask>();
        foreach (var file in Files(root).Where(MayHoldTasks))
            tasks.AddRange(TaskRewriter.Find(File.ReadAllText(Path.Combine(root, file)), file));
        CheckUnique(tasks);
        return tasks.OrderBy(t => t.Id, Comparer<string>.Create(CourseTask.Compare)).ToList();
    }

    /// <summary>
    /// The questions, from the headings of questions/*.md that start with an id: `## Q5.1: the title`.
    /// Where a question has a numeric part, a test tagged with its id checks questions/answers/ID.txt.
    /// </summary>
    public static List<CourseTask> Questions(string root)
    {
        var questions = new List<CourseTask>();
        foreach (var file in Files(root)
                 .Where(f => f.StartsWith("questions/", StringComparison.Ordinal) && f.EndsWith(".md", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(Path.Combine(root, file));
            for (int i = 0; i < lines.Length; i++)
                if (System.Text.RegularExpressions.Regex.Match(lines[i], @"^#+ (Q\d+\.\d+): *(.+)$") is { Success: true } m)
                    questions.Add(new CourseTask(m.Groups[1].Value, m.Groups[2].Value.Trim(), file, i + 1));
        }
        CheckUnique(questions);
        return questions.OrderBy(t => t.Id, Comparer<string>.Create(CourseTask.Compare)).ToList();
    }

    static bool HasBom(string path)
    {
        Span<byte> head = stackalloc byte[3];
        using var f = File.OpenRead(path);
        return f.Read(head) == 3 && head.SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF });
    }

    static void CheckUnique(List<CourseTask> tasks)
    {
        foreach (var dup in tasks.GroupBy(t => t.Id).Where(g => g.Count() > 1))
            throw new CourseException(
                $"{dup.First().Where}: TASK {dup.Key} is marked again at {string.Join(", ", dup.Skip(1).Select(d => d.Where))}");
    }

    /// <summary>
    /// Writes a learner's copy of the clone at <paramref name="root"/> into <paramref name="dest"/> (new or
    /// empty): every file copied but the questions' answers, each task of module <paramref name="fromModule"/> or later blanked, earlier
    /// ones left solved so a learner can start at any module. Returns the tasks blanked, in id order.
    /// </summary>
    public static List<CourseTask> Init(string root, string dest, int fromModule = 0)
    {
        dest = Path.GetFullPath(dest);
        if (File.Exists(dest) || (Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any()))
            throw new CourseException($"{dest} already exists and is not empty; name a new folder");
        if (Path.GetRelativePath(root, dest) is var rel && !rel.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(rel))
            throw new CourseException($"{dest} is inside the clone {root}; name a folder outside it");
        var all = new List<CourseTask>();
        var files = Files(root);
        // Read and rewrite everything first: a bad marker stops init before anything is written.
        var texts = new Dictionary<string, string>();
        foreach (var file in files.Where(MayHoldTasks))
        {
            var (text, tasks) = TaskRewriter.Blank(File.ReadAllText(Path.Combine(root, file)), file, t => t.Module >= fromModule);
            all.AddRange(tasks);
            if (tasks.Count > 0) texts[file] = text;
        }
        CheckUnique(all);
        foreach (var file in files.Where(f => !IsAnswer(f)))
        {
            var target = Path.Combine(dest, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // A file that began with a byte-order mark keeps it: only the blanked bodies differ.
            if (texts.TryGetValue(file, out var text))
                File.WriteAllText(target, text, new System.Text.UTF8Encoding(HasBom(Path.Combine(root, file))));
            else File.Copy(Path.Combine(root, file), target);
        }
        return all.Where(t => t.Module >= fromModule).OrderBy(t => t.Id, Comparer<string>.Create(CourseTask.Compare)).ToList();
    }
}
