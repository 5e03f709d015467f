using System.CommandLine;
using System.Text.RegularExpressions;
using Scratch.Gan.Cli;
using Xunit;
using static Scratch.Tests.Gan.CliTests;

namespace Scratch.Tests.Gan;

/// <summary>
/// `scratch VERB --help` for every verb, and README's command list checked against it: an option added,
/// renamed or removed in the code and not in README (or the other way round) fails here.
/// </summary>
[Collection("serial")]
public class HelpTests
{
    /// <summary>Every verb a user runs, as words: "train", …, "classifier train" (a group's leaves, not the group).</summary>
    static IEnumerable<string[]> Verbs(Command c, string[] path)
    {
        foreach (var sub in c.Subcommands.Where(s => !s.Hidden && s.Name != "help"))
        {
            string[] here = [.. path, sub.Name];
            if (sub.Subcommands.Count == 0) yield return here;
            else foreach (var leaf in Verbs(sub, here)) yield return leaf;
        }
    }

    static List<string[]> AllVerbs() => Verbs(ScratchCli.Root, []).ToList();

    /// <summary>The options `--help` lists, each with what follows its name (placeholder and description).</summary>
    static Dictionary<string, string> HelpOptions(string[] verb)
    {
        var r = Run([.. verb, "--help"]);
        Assert.True(r.Code == 0, r.Err);
        var options = new Dictionary<string, string>();
        foreach (var line in r.Out.Split('\n').SkipWhile(l => !l.StartsWith("Options:")).Skip(1))
        {
            var m = Regex.Match(line, @"^\s+(?:-\S+, )*(--[a-z0-9-]+)(.*)$");
            if (m.Success && m.Groups[1].Value is not ("--help" or "--version")) options[m.Groups[1].Value] = m.Groups[2].Value;
        }
        return options;
    }

    [Fact]
    public void Every_verb_has_help_with_its_defaults_and_allowed_values()
    {
        foreach (var verb in AllVerbs())
        {
            var options = HelpOptions(verb);
            var name = string.Join(" ", verb);
            Assert.True(options.Count > 0 || name == "devices", $"{name} --help lists no options");
            Assert.All(options, o => Assert.False(string.IsNullOrWhiteSpace(o.Value), $"{name} {o.Key} has no description"));
        }
        var train = HelpOptions(["train"]);
        Assert.Contains("<vanilla|lsgan|dcgan|dcgan64|wgan|wgan-gp|infogan>", train["--model"]);
        Assert.Contains("[default: dcgan]", train["--model"]);
        Assert.Contains("<nonsaturating|minimax|lsgan|wgan|wgan-gp>", train["--loss"]);
        Assert.Contains("<uniform|normal>", train["--noise"]);
        Assert.Contains("<adam|rmsprop>", train["--optimizer"]);
        Assert.Contains("<auto|cpu|cpu-ref|cuda|opencl|ilgpu-cpu|ilgpu-cpu-nvidia>", train["--device"]);
        Assert.Contains("5 for wgan, wgan-gp", train["--n-critic"]);   // per-model defaults
        Assert.Contains("[default: 10]", HelpOptions(["bench"])["--iters"]);
        Assert.Contains("<h100,a100,rtx4090,t4|all>", HelpOptions(["bench"])["--estimate"]);
        Assert.Contains("<png|idx>", HelpOptions(["sample"])["--format"]);
        Assert.DoesNotContain("--stop-after", train.Keys);   // test-only options stay out of help
    }

    [Fact]
    public void Help_verb_and_help_option_agree_and_a_bare_scratch_shows_the_overview()
    {
        Assert.Equal(Run("train", "--help").Out, Run("help", "train").Out);
        Assert.Equal(Run("classifier", "train", "--help").Out, Run("help", "classifier", "train").Out);
        var overview = Run("help");
        Assert.Equal(0, overview.Code);
        foreach (var verb in ScratchCli.Root.Subcommands) Assert.Contains(verb.Name, overview.Out);
        var bare = Run();
        Assert.Equal(2, bare.Code);
        Assert.Equal(overview.Out, bare.Out);
        OneLineFailure(Run("help", "trian"), "unknown command 'trian' (did you mean 'train'?)");
    }

    [Fact]
    public void Typos_get_one_line_with_a_suggestion()
    {
        OneLineFailure(Run("train", "--mdoel", "dcgan"), "unknown option '--mdoel' (did you mean '--model'?)");
        OneLineFailure(Run("tarin"), "unknown command 'tarin' (did you mean 'train'?)");
        OneLineFailure(Run("sample", "--format", "pgn"), "--format: unknown value 'pgn' (did you mean 'png'?)");
        OneLineFailure(Run("train", "--model", "dcgna"), "--model: unknown value 'dcgna' (did you mean 'dcgan'?)");
        OneLineFailure(Run("bench", "gem"), "unknown workload 'gem' (did you mean 'gemm'?)");
        OneLineFailure(Run("train", "--epochs"), "--epochs needs a value");
        OneLineFailure(Run("train", "--epochs", "1", "--epochs", "2"), "--epochs given more than once");
        OneLineFailure(Run("eval", "--json", "yes"), "unexpected argument 'yes'");
        OneLineFailure(Run("sweep", "--aggregate", "x", "--epochs", "2"), "--aggregate takes no other option");
        var r = Run("train", "--nope");
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);   // no help dumped after the error
    }

    [Fact]
    public void Tab_completion_offers_verbs_options_and_values()
    {
        // What dotnet-suggest asks: the cursor position, then the line typed so far.
        Assert.Equal(["dcgan", "dcgan64"], Run("[suggest:24]", "scratch train --model dc").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--model", Run("[suggest:18]", "scratch train --mo").Out);
        Assert.Contains("interpolate", Run("[suggest:10]", "scratch in").Out);
        Assert.Contains("dcgan64-step", Run("[suggest:20]", "scratch bench dcgan6").Out);
    }

    [Fact]
    public void Suggestions_are_the_nearest_word_and_only_when_near()
    {
        Assert.Equal(3, Suggest.Distance("kitten", "sitting"));
        Assert.Equal(0, Suggest.Distance("", ""));
        Assert.Equal("did you mean '--seed'?", Suggest.DidYouMean("--sed", ["--seed", "--steps", "--out"]));
        Assert.Null(Suggest.DidYouMean("--colour", ["--seed", "--model"]));   // nothing close: no guess
    }

    // ── README's command list ───────────────────────────────────────────────────────────────────

    static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scratch.sln"))) return Path.Combine(dir.FullName, "README.md");
        throw new FileNotFoundException("README.md (no Scratch.sln above the test's folder)");
    }

    /// <summary>
    /// README's command list: the code block under "## The `scratch` command" whose lines start with
    /// "scratch VERB"; indented lines continue the verb above, "#" starts a comment. Verb → text.
    /// </summary>
    static Dictionary<string, string> ReadmeCommands()
    {
        var lines = File.ReadAllLines(ReadmePath());
        int section = Array.FindIndex(lines, l => l.StartsWith("## The `scratch` command"));
        Assert.True(section >= 0, "README has no '## The `scratch` command' section");
        var verbs = AllVerbs().Select(v => string.Join(" ", v)).Append("help").OrderByDescending(v => v.Length).ToList();
        var list = new Dictionary<string, string>();
        string? current = null;
        bool inBlock = false;
        foreach (var raw in lines.Skip(section + 1).TakeWhile(l => !l.StartsWith("## ")))
        {
            if (raw.StartsWith("```")) { inBlock = !inBlock; current = null; continue; }
            if (!inBlock) continue;
            var line = raw.Split(" #")[0];
            if (line.StartsWith("scratch "))
            {
                current = verbs.FirstOrDefault(v => (line + " ").StartsWith($"scratch {v} "))
                    ?? throw new Xunit.Sdk.XunitException($"README names an unknown verb: {line}");
                list[current] = list.GetValueOrDefault(current, "") + " " + line[("scratch " + current).Length..];
            }
            else if (current != null && line.StartsWith(' ')) list[current] += " " + line;
        }
        return list;
    }

    [Fact]
    public void Readme_command_list_names_every_verb_and_exactly_the_options_help_shows()
    {
        var readme = ReadmeCommands();
        foreach (var verb in AllVerbs())
        {
            var name = string.Join(" ", verb);
            Assert.True(readme.ContainsKey(name), $"README's command list has no line for `scratch {name}`");
            var help = HelpOptions(verb);
            var listed = Regex.Matches(readme[name], @"--[a-z0-9][a-z0-9-]*").Select(m => m.Value).ToHashSet();
            var missing = help.Keys.Where(o => !listed.Contains(o)).ToList();
            var extra = listed.Where(o => !help.ContainsKey(o)).ToList();
            Assert.True(missing.Count == 0, $"README's `scratch {name}` lacks {string.Join(", ", missing)} (its --help shows them)");
            Assert.True(extra.Count == 0, $"README's `scratch {name}` names {string.Join(", ", extra)}, which its --help does not show");
            // Where README spells out the allowed values (--noise uniform|normal), they are help's.
            foreach (Match m in Regex.Matches(readme[name], @"(--[a-z0-9-]+) ([a-z0-9-]+(?:\|[a-z0-9-]+)+)"))
                Assert.Contains($"<{m.Groups[2].Value}>", help[m.Groups[1].Value]);
        }
        Assert.Contains(" " + string.Join("|", Scratch.Gan.Cli.Bench.Workloads) + " ", readme["bench"] + " ");
    }
}
