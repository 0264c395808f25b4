using System.Globalization;

namespace Simil.IO;

/// <summary>
/// A vector written inline, as a user types it on a command line: <c>[1, 2, 3]</c>,
/// <c>[1,2,3]</c>, <c>[1 2 3]</c> (as NumPy prints) or <c>[-1.5e-3, 2, .5]</c>.
/// </summary>
public static class VectorLiteral
{
    /// <summary>True when <paramref name="text"/> is meant as a vector literal (starts with '[').</summary>
    public static bool IsLiteral(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().TrimStart().StartsWith('[');
    }

    /// <summary>Parses a literal into its values.</summary>
    /// <param name="text">The literal.</param>
    /// <param name="input">What to call the literal in an error message, e.g. <c>argument A</c>.</param>
    /// <exception cref="InputException">
    /// The literal is malformed, empty, or holds a value that is not a finite float32; the message
    /// names the column (1-based) and what was expected there.
    /// </exception>
    public static float[] Parse(string text, string input)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.AsSpan();
        int i = SkipSpace(s, 0);
        if (i >= s.Length || s[i] != '[')
            throw Error(input, text, i, "expected '[' to start a vector");
        i++;
        var values = new List<float>();
        while (true)
        {
            i = SkipSpace(s, i);
            if (i >= s.Length)
                throw Error(input, text, i, "expected ']' to end the vector");
            if (s[i] == ']')
            {
                if (values.Count == 0)
                    throw Error(input, text, i, "the vector is empty; give at least one number");
                i = SkipSpace(s, i + 1);
                if (i < s.Length)
                    throw Error(input, text, i, "unexpected text after ']'");
                return [.. values];
            }
            int start = i;
            while (i < s.Length && s[i] is not (',' or ']') && !char.IsWhiteSpace(s[i]))
                i++;
            var token = s[start..i];
            if (token.IsEmpty)
                throw Error(input, text, start, "expected a number");
            if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                throw Error(input, text, start, $"expected a number, found '{token}'");
            if (!float.IsFinite(value))
                throw Error(input, text, start, $"'{token}' is not a finite float32 value");
            values.Add(value);
            i = SkipSpace(s, i);
            if (i < s.Length && s[i] == ',')
            {
                i = SkipSpace(s, i + 1);
                if (i < s.Length && s[i] is ',' or ']')
                    throw Error(input, text, i, "expected a number after ','");
            }
        }
    }

    static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
            i++;
        return i;
    }

    static InputException Error(string input, string text, int index, string what) =>
        new(input, $"column {index + 1} of '{text}': {what}");
}
