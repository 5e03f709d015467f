using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Scratch.Course;

/// <summary>
/// Finds the regions marked `// TASK 4.2: what to write, a hint` and blanks them. The marker is a comment
/// line directly before a member (method, operator, constructor, property, local function) or a lambda
/// (a backward closure such as `(g, x, y) => g * (1 - y * y)`); blanking replaces that body, or that
/// expression body, with `throw new NotImplementedException("Task 4.2: …")`. Roslyn parses the file and
/// the rewriter swaps only those nodes, so every other byte — the marker, comments, layout — stays as written.
/// </summary>
public static partial class TaskRewriter
{
    [GeneratedRegex(@"^//\s*TASK\b")]
    private static partial Regex AnyMarker();

    [GeneratedRegex(@"^//\s*TASK (\d+\.\d+): *(\S.*?)\s*$")]
    private static partial Regex Marker();

    /// <summary>One marker and the node whose body it blanks.</summary>
    sealed record Mark(CourseTask Task, SyntaxNode Node);

    static readonly CSharpParseOptions Options = new(LanguageVersion.Preview);

    /// <summary>The tasks marked in one file (path: as the tasks will name it, relative to the clone).</summary>
    public static IReadOnlyList<CourseTask> Find(string source, string path) =>
        Scan(CSharpSyntaxTree.ParseText(source, Options, path).GetRoot(), path).Select(m => m.Task).ToList();

    /// <summary>
    /// The file with every chosen task's region blanked (all of them when <paramref name="which"/> is
    /// null), and every task marked in it, chosen or not.
    /// </summary>
    public static (string Text, IReadOnlyList<CourseTask> Tasks) Blank(string source, string path, Func<CourseTask, bool>? which = null)
    {
        var root = CSharpSyntaxTree.ParseText(source, Options, path).GetRoot();
        var marks = Scan(root, path);
        var tasks = marks.Select(m => m.Task).ToList();
        var chosen = marks.Where(m => which?.Invoke(m.Task) ?? true).ToDictionary(m => m.Node, m => m.Task);
        if (chosen.Count == 0) return (source, tasks);
        var eol = source.Contains("\r\n") ? "\r\n" : "\n";
        return (new Blanker(chosen, eol).Visit(root)!.ToFullString(), tasks);
    }

    static List<Mark> Scan(SyntaxNode root, string path)
    {
        var marks = new List<Mark>();
        foreach (var trivia in root.DescendantTrivia(descendIntoTrivia: false))
        {
            if (!trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || !AnyMarker().IsMatch(trivia.ToString())) continue;
            int line = trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            string where = $"{path}:{line}";
            var m = Marker().Match(trivia.ToString());
            if (!m.Success) throw new CourseException($"{where}: a task marker reads `// TASK 4.2: what to write, a hint`, not `{trivia}`");
            var task = new CourseTask(m.Groups[1].Value, m.Groups[2].Value, path, line);
            var node = Region(trivia, where) ?? throw new CourseException(
                $"{where}: TASK {task.Id} marks nothing: put it on the line before a method, operator, property, local function or lambda");
            marks.Add(new Mark(task, node));
        }
        foreach (var dup in marks.GroupBy(m => m.Task.Id).Where(g => g.Count() > 1))
            throw new CourseException(
                $"{dup.First().Task.Where}: TASK {dup.Key} is marked again at {string.Join(", ", dup.Skip(1).Select(d => d.Task.Where))}");
        foreach (var inner in marks)
            foreach (var outer in marks)
                if (inner != outer && outer.Node.Span.Contains(inner.Node.Span))
                    throw new CourseException(
                        $"{inner.Task.Where}: TASK {inner.Task.Id} lies inside TASK {outer.Task.Id}'s region ({outer.Task.Where})");
        return marks;
    }

    /// <summary>
    /// The member, local function or lambda that starts right after the marker: the nearest node that
    /// begins with the token the comment is attached to. Null if the comment trails code or precedes
    /// anything else (a statement, a field).
    /// </summary>
    static SyntaxNode? Region(SyntaxTrivia marker, string where)
    {
        var token = marker.Token;
        if (!token.LeadingTrivia.Contains(marker)) return null;
        var node = token.Parent?.AncestorsAndSelf().TakeWhile(n => n.GetFirstToken() == token).FirstOrDefault(IsRegion);
        if (node != null && !HasBody(node))
            throw new CourseException($"{where}: the marked member has no body to blank (abstract, extern or an auto-property)");
        return node;
    }

    static bool IsRegion(SyntaxNode n) =>
        n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax;

    static bool HasBody(SyntaxNode n) => n switch
    {
        BaseMethodDeclarationSyntax m => m.Body != null || m.ExpressionBody != null,
        PropertyDeclarationSyntax p => p.ExpressionBody != null || p.AccessorList!.Accessors.Any(a => a.Body != null || a.ExpressionBody != null),
        IndexerDeclarationSyntax i => i.ExpressionBody != null || i.AccessorList!.Accessors.Any(a => a.Body != null || a.ExpressionBody != null),
        BasePropertyDeclarationSyntax b => b.AccessorList!.Accessors.Any(a => a.Body != null),
        _ => true,   // local functions and lambdas always have one
    };

    /// <summary>Replaces the chosen regions' bodies; visits nothing else, so the rest is untouched.</summary>
    sealed class Blanker(Dictionary<SyntaxNode, CourseTask> chosen, string eol) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? Visit(SyntaxNode? node) =>
            node != null && chosen.TryGetValue(node, out var task) ? BlankRegion(node, task) : base.Visit(node);

        SyntaxNode BlankRegion(SyntaxNode node, CourseTask task) => node switch
        {
            BaseMethodDeclarationSyntax m when m.Body != null => m.WithBody(Block(m.Body, task)),
            BaseMethodDeclarationSyntax m => m.WithExpressionBody(Arrow(m.ExpressionBody!, task)),
            LocalFunctionStatementSyntax f when f.Body != null => f.WithBody(Block(f.Body, task)),
            LocalFunctionStatementSyntax f => f.WithExpressionBody(Arrow(f.ExpressionBody!, task)),
            AnonymousFunctionExpressionSyntax l when l.Block != null => l.WithBlock(Block(l.Block, task)),
            AnonymousFunctionExpressionSyntax l => l.WithExpressionBody(Throw(task).WithTriviaFrom(l.ExpressionBody!)),
            PropertyDeclarationSyntax p when p.ExpressionBody != null => p.WithExpressionBody(Arrow(p.ExpressionBody, task)),
            IndexerDeclarationSyntax i when i.ExpressionBody != null => i.WithExpressionBody(Arrow(i.ExpressionBody, task)),
            BasePropertyDeclarationSyntax p => p.WithAccessorList(p.AccessorList!.WithAccessors(
                SyntaxFactory.List(p.AccessorList.Accessors.Select(a => Accessor(a, task))))),
            _ => throw new InvalidOperationException($"{task.Where}: no rule blanks a {node.Kind()}"),
        };

        AccessorDeclarationSyntax Accessor(AccessorDeclarationSyntax a, CourseTask task) =>
            a.Body != null ? a.WithBody(Block(a.Body, task))
            : a.ExpressionBody != null ? a.WithExpressionBody(Arrow(a.ExpressionBody, task))
            : a;

        static ArrowExpressionClauseSyntax Arrow(ArrowExpressionClauseSyntax arrow, CourseTask task) =>
            arrow.WithExpression(Throw(task).WithTriviaFrom(arrow.Expression));

        static ExpressionSyntax Throw(CourseTask task) => SyntaxFactory.ParseExpression(
            $"throw new NotImplementedException({SymbolDisplay.FormatLiteral(task.Message, quote: true)})");

        /// <summary>
        /// `{ throw …; }` with the original braces and their trivia: on one line if the block was on one
        /// line, else the throw on its own line, indented one level deeper than the line of the `{`.
        /// </summary>
        BlockSyntax Block(BlockSyntax block, CourseTask task)
        {
            var statement = SyntaxFactory.ParseStatement(
                $"throw new NotImplementedException({SymbolDisplay.FormatLiteral(task.Message, quote: true)});");
            var text = block.SyntaxTree.GetText();
            var open = text.Lines.GetLinePosition(block.OpenBraceToken.SpanStart);
            var close = text.Lines.GetLinePosition(block.CloseBraceToken.SpanStart);
            if (open.Line == close.Line)
                return block.WithOpenBraceToken(block.OpenBraceToken.WithTrailingTrivia(SyntaxFactory.Space))
                    .WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(statement.WithTrailingTrivia(SyntaxFactory.Space)))
                    .WithCloseBraceToken(block.CloseBraceToken.WithLeadingTrivia());
            var lineText = text.Lines[open.Line].ToString();
            var indent = lineText[..(lineText.Length - lineText.TrimStart().Length)] + "    ";
            return block.WithOpenBraceToken(block.OpenBraceToken.WithTrailingTrivia(SyntaxFactory.EndOfLine(eol)))
                .WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(statement
                    .WithLeadingTrivia(SyntaxFactory.Whitespace(indent)).WithTrailingTrivia(SyntaxFactory.EndOfLine(eol))))
                .WithCloseBraceToken(block.CloseBraceToken.WithLeadingTrivia(SyntaxFactory.Whitespace(indent[..^4])));
        }
    }
}
