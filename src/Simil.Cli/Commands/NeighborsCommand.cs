using System.CommandLine;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil neighbors WORD --vectors FILE</c>: gensim's most_similar, and analogies.</summary>
static class NeighborsCommand
{
    public static Command Create()
    {
        var word = new Argument<string?>("WORD") { Description = "The word whose neighbours to find (or use --positive/--negative/--analogy).", Arity = ArgumentArity.ZeroOrOne };
        var vectors = new Option<string>("--vectors") { Description = "A file of keyed word vectors (word2vec, GloVe, fastText, …).", Required = true };
        var k = TopOption.Create("How many neighbours.");
        var positive = new Option<string[]>("--positive") { Description = "Words that pull the query towards them.", AllowMultipleArgumentsPerToken = true };
        var negative = new Option<string[]>("--negative") { Description = "Words that push the query away.", AllowMultipleArgumentsPerToken = true };
        var analogy = new Option<string[]>("--analogy") { Description = "A B C: A is to B as C is to ? (positive B and C, negative A).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON line." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The format of --vectors when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var command = new Command("neighbors", "The nearest words by cosine, as gensim's most_similar: the mean of the unit vectors of the positive words minus the negative ones, the input words left out.")
        {
            word, vectors, k, positive, negative, analogy, json, inputFormat,
        };
        command.SetAction(parse => Run(parse.GetValue(word), parse.GetValue(vectors)!, parse.GetValue(k), parse.GetValue(positive) ?? [],
            parse.GetValue(negative) ?? [], parse.GetValue(analogy) ?? [], parse.GetValue(json), parse.GetValue(inputFormat)));
        return command;
    }

    static int Run(string? word, string file, int k, string[] positive, string[] negative, string[] analogy, bool json, string? inputFormat)
    {
        var plus = new List<string>(positive);
        var minus = new List<string>(negative);
        if (word is not null)
            plus.Insert(0, word);
        if (analogy.Length > 0)
        {
            if (analogy.Length != 3)
                throw new InputException($"--analogy takes three words, A B C (A is to B as C is to ?), not {analogy.Length}");
            plus.AddRange([analogy[1], analogy[2]]);
            minus.Add(analogy[0]);
        }
        if (plus.Count + minus.Count == 0)
            throw new InputException("give a WORD, --positive/--negative words or --analogy A B C");

        var matrix = KeyedVectors.LoadKeyed(file, inputFormat);
        var index = new FlatIndex(matrix, Metric.Cosine);
        var results = WordNeighbors.MostSimilar(index,
            [.. plus.Select(w => KeyedVectors.Row(matrix, file, w))], [.. minus.Select(w => KeyedVectors.Row(matrix, file, w))], k);
        string query = analogy.Length == 3 ? $"{analogy[0]} : {analogy[1]} :: {analogy[2]} : ?"
            : string.Join(" ", plus.Select(w => "+" + w).Concat(minus.Select(w => "-" + w)));
        if (plus.Count == 1 && minus.Count == 0)
            query = plus[0];
        Rendering.SearchRenderer.Write(json, query, Metric.Cosine, results, matrix.Keys);
        return Cli.Ok;
    }
}
