namespace Scratch.Course;

/// <summary>
/// One exercise: a region of the real code marked `// TASK 4.2: what to write, a hint` (the id is
/// module.number), where it is (a path relative to the clone, 1-based line of the marker), and the hint.
/// </summary>
public sealed record CourseTask(string Id, string Hint, string File, int Line)
{
    /// <summary>The module, the number before the dot: 4 for task 4.2 (and for question Q4.1).</summary>
    public int Module => int.Parse(Id.TrimStart('Q').Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    public string Where => $"{File}:{Line}";

    /// <summary>What the blanked region throws: the id and the hint, so a failing test names the task.</summary>
    public string Message => $"Task {Id}: {Hint}";

    /// <summary>Orders ids as numbers, so 4.10 comes after 4.9.</summary>
    public static int Compare(string a, string b)
    {
        static (int, int) Key(string id)
        {
            var parts = id.TrimStart('Q').Split('.');
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                    parts.Length > 1 && int.TryParse(parts[1], out int n) ? n : 0);
        }
        int c = Key(a).CompareTo(Key(b));
        return c != 0 ? c : string.CompareOrdinal(a, b);
    }
}

/// <summary>A mistake in the course's input (a marker on nothing, a duplicate id, a missing folder): one line for the user.</summary>
public sealed class CourseException(string message) : Exception(message);
