using Simil.Analysis;
using Simil.Testing;

namespace Simil.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public void Pearson_and_Spearman_match_scipy_with_ties()
    {
        // scipy.stats.pearsonr / spearmanr on the same data: 0.9482227424932008, 0.8676470588235294.
        double[] x = [1, 2, 2, 3, 5.5, 0], y = [2, 1, 4, 4, 9, -1];
        Assert.Equal(0.9482227424932008, Correlation.Pearson(x, y), 1e-15);
        Assert.Equal(0.8676470588235294, Correlation.Spearman(x, y), 1e-15);
        Assert.Equal([2.5, 2.5, 1, 4], Correlation.Ranks([3.0, 3, 1, 7]));
    }

    [Fact]
    public void Constant_or_short_series_give_NaN_and_lengths_must_match()
    {
        Assert.True(double.IsNaN(Correlation.Pearson([1.0, 1, 1], [1.0, 2, 3])));
        Assert.True(double.IsNaN(Correlation.Pearson([1.0], [2.0])));
        Assert.Throws<ArgumentException>(() => Correlation.Pearson([1.0, 2], [1.0]));
    }
}

/// <summary>gensim's evaluate_word_analogies on its own test vectors, section by section.</summary>
public sealed class AnalogyEvaluationTests
{
    [Fact]
    public void Google_analogies_score_as_gensim_scores_them()
    {
        // gensim 4.2: KeyedVectors.load_word2vec_format(euclidean_vectors.bin, binary=True)
        //   .evaluate_word_analogies(questions-words.txt) → 0.0024449877750611247 with these sections.
        var vectors = Simil.IO.VectorFile.Read(Repository.SharedData("gensim/euclidean_vectors.bin")).Vectors!;
        var result = AnalogyEvaluation.Evaluate(vectors, Repository.SharedData("gensim/questions-words.txt"));
        (string, int, int)[] gensim =
        [
            ("capital-common-countries", 0, 20), ("capital-world", 0, 14), ("currency", 0, 2), ("city-in-state", 0, 0),
            ("family", 1, 19), ("gram1-adjective-to-adverb", 0, 6), ("gram2-opposite", 0, 6), ("gram3-comparative", 0, 56),
            ("gram4-superlative", 0, 20), ("gram5-present-participle", 0, 56), ("gram6-nationality-adjective", 0, 41),
            ("gram7-past-tense", 0, 110), ("gram8-plural", 0, 56), ("gram9-plural-verbs", 0, 2),
        ];
        Assert.Equal(gensim, result.Sections.Select(s => (s.Name, s.Correct, s.Incorrect)));
        Assert.Equal(0.0024449877750611247, result.Accuracy, 1e-15);
    }
}
