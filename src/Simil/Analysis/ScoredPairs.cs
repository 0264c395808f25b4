using System.Globalization;
using Simil.IO;

namespace Simil.Analysis;

/// <summary>One pair of texts or words and the similarity people gave it.</summary>
/// <param name="A">The first text or word.</param>
/// <param name="B">The second.</param>
/// <param name="Score">The human score.</param>
public readonly record struct ScoredPair(string A, string B, double Score);

/// <summary>
/// Pair files with human scores: the STS Benchmark layout (tab-separated genre, file, year, id,
/// score, sentence 1, sentence 2, perhaps more fields) and the word-pair layout of WordSim-353 and
/// SimLex-999 (word, word, score, …; <c>#</c> lines are comments; a header row without a number
/// is skipped).
/// </summary>
public static class ScoredPairs
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A line is neither layout; the message names the line.</exception>
    public static IReadOnlyList<ScoredPair> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = TextFile.ReadLines(path);
        var pairs = new List<ScoredPair>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var fields = line.Split('\t');
            if (fields.Length >= 7 && double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double sts))
                pairs.Add(new ScoredPair(fields[5], fields[6], sts));
            else if (fields.Length >= 3 && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double word))
                pairs.Add(new ScoredPair(fields[0], fields[1], word));
            else if (pairs.Count == 0 && i < 3)
                continue;   // a header row
            else
                throw FileError.Line(path, i + 1, "expected 'word<TAB>word<TAB>score' or the STS Benchmark layout (score in field 5, sentences in 6 and 7)");
        }
        if (pairs.Count == 0)
            throw new InputException(path, "the file holds no scored pairs");
        return pairs;
    }
}
