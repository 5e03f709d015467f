using Scratch.Course;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Course;

/// <summary>
/// `scratch course` on a small stand-in clone (a Scratch.sln, one marked source file, a test, a question):
/// what init copies and blanks, what list shows, and one line for each mistake.
/// </summary>
[Collection("serial")]
public class CourseCliTests
{
    const string Source = """
        namespace S;
        public static class Thing
        {
            // TASK 1.1: the square of x
            public static int Square(int x) => x * x;

            // TASK 3.1: the cube of x
            public static int Cube(int x)
            {
                return x * x * x;
            }
        }
        """;

    /// <summary>A folder that looks like a clone without git, so its files are found by walking it.</summary>
    static string FakeClone()
    {
        var root = TempDirs.New("scratch-fake-clone-").FullName;
        void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), text);
        }
        Write("Scratch.sln", "");
        Write("README.md", "# read me\r\nwith a CRLF line\r\n");
        Write("src/A/Thing.cs", Source);
        Write("src/A/bin/Release/stale.cs", "// TASK 9.9: a build output, never read\nclass X { int F() => 1; }\n");
        Write("tests/ThingTests.cs", "public class ThingTests { [Fact, Trait(\"Task\", \"1.1\")] public void Squares() { } }\n");
        Write("questions/module-1.md", "# Module 1\n\n## Q1.1: what is 3 squared?\n");
        Write("questions/answers/Q1.1.txt", "9\n");
        Write("questions/answers/README.md", "answers go here\n");
        return root;
    }

    static string NewDir() => TempDirs.Fresh("course-copy-");

    [Fact]
    public void Init_blanks_every_task_and_copies_the_rest_byte_for_byte_without_build_outputs_or_answers()
    {
        var clone = FakeClone();
        var dest = NewDir();
        var tasks = Clone.Init(clone, dest);
        Assert.Equal(["1.1", "3.1"], tasks.Select(t => t.Id));
        var thing = File.ReadAllText(Path.Combine(dest, "src/A/Thing.cs"));
        Assert.Contains("""public static int Square(int x) => throw new NotImplementedException("Task 1.1: the square of x");""", thing);
        Assert.Contains("""throw new NotImplementedException("Task 3.1: the cube of x");""", thing);
        Assert.DoesNotContain("x * x", thing);
        Assert.Equal(File.ReadAllBytes(Path.Combine(clone, "README.md")), File.ReadAllBytes(Path.Combine(dest, "README.md")));
        Assert.True(File.Exists(Path.Combine(dest, "tests/ThingTests.cs")));
        Assert.True(File.Exists(Path.Combine(dest, "questions/answers/README.md")));
        Assert.False(File.Exists(Path.Combine(dest, "questions/answers/Q1.1.txt")), "the answer was copied");
        Assert.False(Directory.Exists(Path.Combine(dest, "src/A/bin")), "a build output was copied");
        // The copy still lists its tasks: the markers stay.
        Assert.Equal(["1.1", "3.1"], Clone.Tasks(dest).Select(t => t.Id));
    }

    [Fact]
    public void Init_from_a_module_keeps_the_earlier_solutions()
    {
        var clone = FakeClone();
        var dest = NewDir();
        Assert.Equal(["3.1"], Clone.Init(clone, dest, fromModule: 3).Select(t => t.Id));
        var thing = File.ReadAllText(Path.Combine(dest, "src/A/Thing.cs"));
        Assert.Contains("public static int Square(int x) => x * x;", thing);
        Assert.Contains("Task 3.1: the cube of x", thing);
    }

    [Fact]
    public void Init_refuses_a_folder_that_is_not_empty_or_lies_inside_the_clone()
    {
        var clone = FakeClone();
        var full = TempDirs.New().FullName;
        File.WriteAllText(Path.Combine(full, "mine.txt"), "");
        Assert.Contains("already exists and is not empty", Assert.Throws<CourseException>(() => Clone.Init(clone, full)).Message);
        Assert.Contains("is inside the clone", Assert.Throws<CourseException>(() => Clone.Init(clone, Path.Combine(clone, "copy"))).Message);
        Assert.Null(Clone.FindRoot(Path.GetTempPath()));
    }

    [Fact]
    public void List_shows_each_task_and_question_with_where_and_what()
    {
        var clone = FakeClone();
        var r = Run("course", "list", "--dir", clone);
        Assert.True(r.Code == 0, r.Err);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1.1   src/A/Thing.cs:4         the square of x", lines[0]);
        Assert.Equal("3.1   src/A/Thing.cs:7         the cube of x", lines[1]);
        Assert.Equal("Q1.1  questions/module-1.md:3  what is 3 squared?", lines[2]);
    }

    [Fact]
    public void Mistakes_get_one_line()
    {
        var clone = FakeClone();
        OneLineFailure(Run("course"), "course needs a subcommand");
        OneLineFailure(Run("course", "grade", "two"), "task 'two': a task id looks like 2.1");
        OneLineFailure(Run("course", "grade", "9.9", "--dir", clone), "no tests for task 9.9; the tasks: 1.1");
        OneLineFailure(Run("course", "list", "--dir", Path.GetTempPath()), "is not in a clone of Scratch (no Scratch.sln here or above)");
        OneLineFailure(Run("course", "init"), "Required argument 'DIR' missing");
        File.WriteAllText(Path.Combine(clone, "src/A/Dup.cs"), "class D {\n    // TASK 1.1: again\n    int F() => 1;\n}\n");
        OneLineFailure(Run("course", "list", "--dir", clone), "src/A/Dup.cs:2: TASK 1.1 is marked again at src/A/Thing.cs:4");
    }
}
