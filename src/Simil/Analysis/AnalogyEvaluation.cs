using Simil.IO;

namespace Simil.Analysis;

/// <summary>One section of an analogy test and how many questions the vectors answered right.</summary>
/// <param name="Name">The section's name (after <c>: </c>).</param>
/// <param name="Correct">Questions whose answer was the expected word.</param>
/// <param name="Incorrect">Questions answered with another word.</param>
public readonly record struct AnalogySection(string Name, int Correct, int Incorrect)
{
    /// <summary>Correct ÷ answered; NaN for a section with no answered question.</summary>
    public double Accuracy => Correct + Incorrect == 0 ? double.NaN : (double)Correct / (Correct + Incorrect);
}

/// <summary>
/// The Google analogy test (<c>: section</c> lines, then <c>a b c d</c>: a is to b as c is to d),
/// scored with 3CosAdd exactly as gensim's <c>evaluate_word_analogies</c> does: words compared
/// case-insensitively among the first <c>restrictVocab</c> keys; a question with a word outside
/// them is skipped; the answer is the first of the 5 nearest words to b + c − a (gensim's
/// most_similar) that is not a, b or c.
/// </summary>
public sealed class AnalogyEvaluation
{
    AnalogyEvaluation(IReadOnlyList<AnalogySection> sections, int skipped)
    {
        Sections = sections;
        Skipped = skipped;
    }

    /// <summary>The sections in file order.</summary>
    public IReadOnlyList<AnalogySection> Sections { get; }

    /// <summary>Questions skipped for a word out of vocabulary.</summary>
    public int Skipped { get; }

    /// <summary>All correct answers ÷ all answered questions.</summary>
    public double Accuracy
    {
        get
        {
            int correct = Sections.Sum(s => s.Correct), answered = Sections.Sum(s => s.Correct + s.Incorrect);
            return answered == 0 ? double.NaN : (double)correct / answered;
        }
    }

    /// <summary>Scores <paramref name="vectors"/> (keyed) on the analogy file at <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file cannot be read or a question comes before any section.</exception>
    public static AnalogyEvaluation Evaluate(EmbeddingMatrix vectors, string path, int restrictVocab = 300_000)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(path);
        var keys = vectors.Keys ?? throw new ArgumentException("the vectors have no keys", nameof(vectors));
        int limit = Math.Min(restrictVocab, vectors.Count);
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = limit - 1; i >= 0; i--)
            rowOf[keys[i].ToUpperInvariant()] = i;   // the first of case variants wins, as in gensim
        var restricted = limit == vectors.Count ? vectors : EmbeddingMatrix.Create(vectors.Data[..(limit * vectors.Dimensions)], vectors.Dimensions, [.. keys.Take(limit)]);
        var index = new FlatIndex(restricted, Metric.Cosine);

        var lines = TextFile.ReadLines(path);
        var sections = new List<AnalogySection>();
        string? name = null;
        int correct = 0, incorrect = 0, skipped = 0;
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.StartsWith(": ", StringComparison.Ordinal))
            {
                if (name is not null)
                    sections.Add(new AnalogySection(name, correct, incorrect));
                (name, correct, incorrect) = (line[2..].Trim(), 0, 0);
                continue;
            }
            if (name is null)
                throw FileError.Line(path, n + 1, "a question before the first ': section' line");
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToUpperInvariant()).ToArray();
            if (words.Length != 4)
                continue;   // gensim skips malformed lines
            if (!words.All(rowOf.ContainsKey))
            {
                skipped++;
                continue;
            }
            var (a, b, c, expected) = (words[0], words[1], words[2], words[3]);
            var nearest = WordNeighbors.MostSimilar(index, [rowOf[b], rowOf[c]], [rowOf[a]], 5);
            string? predicted = null;
            foreach (var neighbor in nearest)
            {
                predicted = keys[neighbor.Index].ToUpperInvariant();
                if (rowOf.ContainsKey(predicted) && predicted != a && predicted != b && predicted != c)
                    break;
            }
            if (predicted == expected)
                correct++;
            else
                incorrect++;
        }
        if (name is not null)
            sections.Add(new AnalogySection(name, correct, incorrect));
        return new AnalogyEvaluation(sections, skipped);
    }
}
