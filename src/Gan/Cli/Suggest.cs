namespace Scratch.Gan.Cli;

/// <summary>
/// "did you mean …?" for a mistyped option, verb or value: the closest known word by edit distance,
/// when it is close enough to be a typo rather than a different word.
/// </summary>
internal static class Suggest
{
    /// <summary>"did you mean 'x'?", or null when nothing is close.</summary>
    public static string? DidYouMean(string typed, IEnumerable<string> known)
    {
        var best = known.Select(k => (Word: k, Distance: Distance(typed.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(x => x.Distance).ThenBy(x => x.Word, StringComparer.Ordinal).FirstOrDefault();
        // A third of the word may be wrong (at least 2 letters): "--colour" finds "--color", "--sed" "--seed".
        int allowed = Math.Max(2, typed.TrimStart('-').Length / 3);
        return best.Word != null && best.Distance <= allowed ? $"did you mean '{best.Word}'?" : null;
    }

    /// <summary>Levenshtein distance: the fewest single-letter insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
