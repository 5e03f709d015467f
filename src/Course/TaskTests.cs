using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Scratch.Course;

/// <summary>
/// Which tests grade which task: every test method under tests/ carrying `[Trait("Task", "4.2")]` (on
/// itself or its class), by the name the test runner reports (namespace.Class.Method). Read from the
/// source with Roslyn, so `course list` knows them without building, and a run's results map back to tasks.
/// </summary>
public static class TaskTests
{
    /// <summary>Task id → the full names of its tests.</summary>
    public static Dictionary<string, List<string>> Find(string root)
    {
        var found = new Dictionary<string, List<string>>();
        foreach (var file in Clone.Files(root)
                 .Where(f => f.StartsWith("tests/", StringComparison.Ordinal) && f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(Path.Combine(root, file));
            if (!text.Contains("\"Task\"", StringComparison.Ordinal)) continue;
            foreach (var (id, test) in InSource(text))
                (found.TryGetValue(id, out var list) ? list : found[id] = []).Add(test);
        }
        return found;
    }

    /// <summary>(task id, test name) for each task-tagged test method in one file.</summary>
    public static IEnumerable<(string Id, string Test)> InSource(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (!method.AttributeLists.SelectMany(l => l.Attributes).Any(a => Name(a) is "Fact" or "Theory" or "Property")) continue;
            var classes = method.Ancestors().OfType<TypeDeclarationSyntax>().ToList();
            var ids = TaskIds(method.AttributeLists).Concat(classes.SelectMany(c => TaskIds(c.AttributeLists))).Distinct();
            var ns = method.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().Select(n => n.Name.ToString());
            // xunit names a nested class Outer+Inner.
            var name = string.Join(".",
                ns.Append(string.Join("+", classes.AsEnumerable().Reverse().Select(c => c.Identifier.Text))).Append(method.Identifier.Text));
            foreach (var id in ids) yield return (id, name);
        }
    }

    static string Name(AttributeSyntax a)
    {
        var n = a.Name is QualifiedNameSyntax q ? q.Right.Identifier.Text : a.Name.ToString();
        return n.EndsWith("Attribute", StringComparison.Ordinal) ? n[..^"Attribute".Length] : n;
    }

    static IEnumerable<string> TaskIds(SyntaxList<AttributeListSyntax> lists) =>
        from a in lists.SelectMany(l => l.Attributes)
        where Name(a) == "Trait" && a.ArgumentList is { Arguments.Count: 2 }
        let key = a.ArgumentList!.Arguments[0].Expression as LiteralExpressionSyntax
        let value = a.ArgumentList!.Arguments[1].Expression as LiteralExpressionSyntax
        where key?.Token.ValueText == "Task" && value != null
        select value.Token.ValueText;
}
