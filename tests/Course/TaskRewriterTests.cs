using Scratch.Course;
using Xunit;

namespace Scratch.Tests.Course;

/// <summary>
/// The rewriter on small sources: each kind of region blanked to a throw naming its task, everything
/// else byte for byte as written, and the mistakes a marker can make reported with file:line.
/// </summary>
public class TaskRewriterTests
{
    static string Blank(string source) => TaskRewriter.Blank(source, "src/X.cs").Text;

    static CourseException Error(string source) => Assert.Throws<CourseException>(() => TaskRewriter.Blank(source, "src/X.cs"));

    [Fact]
    public void A_method_block_body_becomes_one_throw_on_its_own_line()
    {
        var source = """
            class C
            {
                // TASK 1.1: return the sum of a and b
                static int Add(int a, int b)
                {
                    var s = a + b;   // the solution
                    return s;
                }

                static int Keep() { return 1; }
            }
            """;
        Assert.Equal("""
            class C
            {
                // TASK 1.1: return the sum of a and b
                static int Add(int a, int b)
                {
                    throw new NotImplementedException("Task 1.1: return the sum of a and b");
                }

                static int Keep() { return 1; }
            }
            """, Blank(source));
    }

    [Fact]
    public void An_expression_body_and_a_one_line_block_stay_on_their_line()
    {
        var source = """
            class C
            {
                // TASK 0.2: the product
                int Mul(int a, int b) => a * b;
                // TASK 0.3: the difference
                int Sub(int a, int b) { return a - b; }
            }
            """;
        Assert.Equal("""
            class C
            {
                // TASK 0.2: the product
                int Mul(int a, int b) => throw new NotImplementedException("Task 0.2: the product");
                // TASK 0.3: the difference
                int Sub(int a, int b) { throw new NotImplementedException("Task 0.3: the difference"); }
            }
            """, Blank(source));
    }

    [Fact]
    public void A_lambda_argument_keeps_its_parameters_and_the_call_around_it()
    {
        var source = """
            class T
            {
                public T Tanh() => Unary("tanh", Data.Tanh(),
                    // TASK 2.1: d tanh = 1 − tanh², times the incoming gradient g
                    (g, x, y) => g * (1 - y * y));
                public T Relu() => Unary("relu", Data.Relu(), x => x);
            }
            """;
        Assert.Equal("""
            class T
            {
                public T Tanh() => Unary("tanh", Data.Tanh(),
                    // TASK 2.1: d tanh = 1 − tanh², times the incoming gradient g
                    (g, x, y) => throw new NotImplementedException("Task 2.1: d tanh = 1 − tanh², times the incoming gradient g"));
                public T Relu() => Unary("relu", Data.Relu(), x => x);
            }
            """, Blank(source));
    }

    [Fact]
    public void Operators_block_lambdas_local_functions_and_properties_are_regions()
    {
        var source = """
            struct V
            {
                // TASK 1.2: add the components
                public static V operator +(V a, V b) => new(a.X + b.X);
                // TASK 1.3: the length
                public double Length { get { return X; } }
                void M()
                {
                    // TASK 1.4: a local helper
                    int Twice(int n) => 2 * n;
                    Run(
                        // TASK 1.5: a block lambda
                        g =>
                        {
                            return g;
                        });
                }
            }
            """;
        var blank = Blank(source);
        Assert.Contains("""public static V operator +(V a, V b) => throw new NotImplementedException("Task 1.2: add the components");""", blank);
        Assert.Contains("""public double Length { get { throw new NotImplementedException("Task 1.3: the length"); } }""", blank);
        Assert.Contains("""int Twice(int n) => throw new NotImplementedException("Task 1.4: a local helper");""", blank);
        Assert.Contains("""
                        g =>
                        {
                            throw new NotImplementedException("Task 1.5: a block lambda");
                        });
            """, blank);
        var tasks = TaskRewriter.Find(source, "src/V.cs");
        Assert.Equal(["1.2", "1.3", "1.4", "1.5"], tasks.Select(t => t.Id));
        Assert.Equal("src/V.cs:3", tasks[0].Where);
        Assert.Equal("a block lambda", tasks[3].Hint);
    }

    [Fact]
    public void A_hint_with_quotes_and_backslashes_is_escaped_into_a_valid_literal()
    {
        var blank = Blank("class C {\n    // TASK 3.1: write \"x\\y\"\n    int F() => 0;\n}\n");
        Assert.Contains("""throw new NotImplementedException("Task 3.1: write \"x\\y\"");""", blank);
    }

    [Fact]
    public void Only_the_chosen_tasks_are_blanked()
    {
        var source = "class C {\n    // TASK 1.1: one\n    int A() => 1;\n    // TASK 5.1: five\n    int B() => 5;\n}\n";
        var (text, tasks) = TaskRewriter.Blank(source, "src/X.cs", t => t.Module >= 5);
        Assert.Contains("int A() => 1;", text);
        Assert.Contains("Task 5.1: five", text);
        Assert.Equal(2, tasks.Count);
    }

    [Fact]
    public void A_source_without_markers_comes_back_unchanged()
    {
        var source = "// a comment\r\nclass C { int A() => 1; }   // TASKS are elsewhere\r\n";
        Assert.Same(source, Blank(source));
    }

    [Fact]
    public void A_marker_on_nothing_names_file_and_line()
    {
        Assert.Equal("src/X.cs:3: TASK 1.1 marks nothing: put it on the line before a method, operator, property, local function or lambda",
            Error("class C {\n    void M() {\n        // TASK 1.1: a statement is not a region\n        var x = 1;\n    }\n}\n").Message);
        Assert.StartsWith("src/X.cs:1: TASK 2.2 marks nothing", Error("class C { int x = 1; // TASK 2.2: trails code\n int A() => 1; }").Message);
        Assert.StartsWith("src/X.cs:2: TASK 2.3 marks nothing", Error("class C {\n    // TASK 2.3: a field\n    int x = 1;\n}\n").Message);
    }

    [Fact]
    public void Duplicate_ids_malformed_markers_nesting_and_bodiless_members_are_errors()
    {
        Assert.Equal("src/X.cs:2: TASK 1.1 is marked again at src/X.cs:4",
            Error("class C {\n    // TASK 1.1: a\n    int A() => 1;\n    // TASK 1.1: b\n    int B() => 2;\n}\n").Message);
        Assert.StartsWith("src/X.cs:2: a task marker reads `// TASK 4.2: what to write, a hint`",
            Error("class C {\n    // TASK one: no number\n    int A() => 1;\n}\n").Message);
        Assert.StartsWith("src/X.cs:4: TASK 1.2 lies inside TASK 1.1's region (src/X.cs:2)",
            Error("class C {\n    // TASK 1.1: outer\n    int A() => Run(\n        // TASK 1.2: inner\n        x => x);\n}\n").Message);
        Assert.Contains("has no body to blank", Error("abstract class C {\n    // TASK 1.1: abstract\n    public abstract int A();\n}\n").Message);
    }

    [Fact]
    public void Test_discovery_reads_task_traits_on_methods_and_classes()
    {
        var source = """
            namespace N.M;
            [Trait("Task", "7.1")]
            public class Outer
            {
                [Fact, Trait("Task", "2.1")] public void Own() { }
                [Theory] public void Inherited(int x) { }
                public void NotATest() { }
            }
            """;
        Assert.Equal([("2.1", "N.M.Outer.Own"), ("7.1", "N.M.Outer.Own"), ("7.1", "N.M.Outer.Inherited")], TaskTests.InSource(source).ToList());
    }

    [Fact]
    public void A_trx_file_reads_back_as_outcomes_and_messages()
    {
        var trx = System.Xml.Linq.XDocument.Parse("""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
              <UnitTestResult testName="N.C.A(x: 1)" outcome="Failed">
                <Output><ErrorInfo><Message>Task 2.1: write it</Message></ErrorInfo></Output>
              </UnitTestResult>
              <UnitTestResult testName="N.C.B" outcome="Passed" />
            </Results></TestRun>
            """);
        var r = Grader.ReadTrx(trx);
        Assert.Equal([("N.C.A", false, "Task 2.1: write it"), ("N.C.B", true, "")], r.Select(t => (t.Method, t.Passed, t.Message)));
        Assert.Equal("Task=2.1|Task=Q5.1", Grader.Filter(["2.1", "Q5.1"]));
    }
}
