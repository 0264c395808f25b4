using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Simil.Testing;

/// <summary>
/// The README shows commands (<c>$ simil …</c>) followed by what they print. Some of that output
/// comes from an embedding model, whose vectors differ in their last bits between CPUs (ONNX
/// Runtime picks its kernels for the CPU it runs on): a score printed as 0.6385745 on an Intel
/// Xeon is 0.6385744 on an AMD EPYC. This compares a run's output with the README's in a way that
/// holds on every CPU: the words must be the same, each number within <see cref="Tolerance"/>
/// of the README's (absolute up to 1, relative beyond) or one unit of its last shown digit, and the layout (spaces, line breaks and
/// the table's box-drawing lines, which widen or narrow with a number's digit count) is ignored.
/// Outputs that no model touches are compared exactly by the callers.
/// </summary>
static partial class ReadmeOutput
{
    /// <summary>How far a number printed by a model's output may be from the README's: 1e-5 × max(1, |x|).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// What the README prints after the line <c>$ simil {commandLine}</c> (a trailing <c>#</c>
    /// comment allowed): the lines up to the next <c>$ </c> line or the end of the code block.
    /// </summary>
    public static string After(string readme, string commandLine)
    {
        var lines = readme.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string prompt = "$ simil " + commandLine;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!line.StartsWith(prompt, StringComparison.Ordinal))
                continue;
            string rest = line[prompt.Length..].TrimStart();
            if (rest.Length > 0 && !rest.StartsWith('#'))
                continue;
            var output = new StringBuilder();
            for (int j = i + 1; j < lines.Length && !lines[j].StartsWith("$ ", StringComparison.Ordinal) && !lines[j].StartsWith("```", StringComparison.Ordinal); j++)
                output.Append(lines[j]).Append('\n');
            return output.ToString();
        }
        throw new InvalidOperationException($"README.md shows no '{prompt}'");
    }

    /// <summary>
    /// Null when <paramref name="actual"/> prints what <paramref name="expected"/> shows, within the
    /// tolerance; else where they part. A lone <c>…</c> in <paramref name="expected"/> stands for
    /// output the README leaves out (a timing, the rest of a table): it matches anything up to the
    /// next token shown.
    /// </summary>
    public static string? Difference(string expected, string actual)
    {
        if (expected == actual)
            return null;
        var e = Tokens(expected);
        var a = Tokens(actual);
        int i = 0, j = 0;
        while (i < e.Count)
        {
            if (e[i] == "…")
            {
                if (i + 1 == e.Count)
                    return null;
                while (j < a.Count && !Same(e[i + 1], a[j]))
                    j++;
                if (j == a.Count)
                    return Report($"the README shows '{e[i + 1]}' after '…', the run never prints it", expected, actual);
                i++;
                continue;
            }
            if (j >= a.Count)
                return Report($"token {i}: the README shows '{e[i]}', the run printed nothing more", expected, actual);
            if (!Same(e[i], a[j]))
                return Report($"token {i}: the README shows '{e[i]}', the run printed '{a[j]}'", expected, actual);
            i++;
            j++;
        }
        return j < a.Count ? Report($"the run printed more: '{a[j]}'", expected, actual) : null;
    }

    static string Report(string what, string expected, string actual) => $"{what}\n--- README ---\n{expected}\n--- run ---\n{actual}";

    /// <summary>
    /// Equal words, or numbers within <see cref="Tolerance"/> — or within one unit of the last digit
    /// the README shows, since a number printed with few digits (0.8052) rounds the other way when
    /// the model's last bits move it across a rounding boundary.
    /// </summary>
    static bool Same(string shown, string printed)
    {
        if (shown == printed)
            return true;
        if (Number(shown) is not { } x || Number(printed) is not { } y)
            return false;
        int point = shown.IndexOf('.', StringComparison.Ordinal);
        bool exponent = shown.Contains('e', StringComparison.OrdinalIgnoreCase);
        double lastDigit = point < 0 || exponent ? 0 : Math.Pow(10, -(shown.Length - point - 1));
        return Math.Abs(x - y) <= Math.Max(Tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))), lastDigit * 1.000001);
    }

    static double? Number(string token) =>
        double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;

    /// <summary>Numbers and runs of other non-space characters, with box-drawing characters taken for spaces.</summary>
    static List<string> Tokens(string text)
    {
        var list = new List<string>();
        foreach (Match m in TokenPattern().Matches(Layout().Replace(text, " ")))
            list.Add(m.Value);
        return list;
    }

    [GeneratedRegex(@"[\u2500-\u257F\s]+")]
    private static partial Regex Layout();

    [GeneratedRegex(@"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[^\s\d+-]+|[+-]")]
    private static partial Regex TokenPattern();
}
