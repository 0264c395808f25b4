using System.CommandLine;
using Simil.Analysis;
using Simil.Embeddings;
using Simil.IO;
using Simil.Cli.Rendering;

namespace Simil.Cli.Commands;

/// <summary><c>simil explain CORPUS --query Q</c>: the top k under dot, cosine and l2sq side by side.</summary>
static class ExplainCommand
{
    public static Command Create()
    {
        var corpus = new Argument<string>("CORPUS") { Description = "The rows: a vector file, or texts to embed." };
        var query = new Option<string>("--query", "-q") { Description = "A literal vector, a key of the corpus, or a text to embed.", Required = true };
        var k = TopOption.Create("How many neighbours per measure.");
        var inputFormat = new Option<string?>("--input-format") { Description = $"The corpus's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.ForQueries();
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("explain", "Show the top k under dot, cosine and l2sq side by side, with each row's length, marking rows that move between the lists.")
        {
            corpus, query, k, inputFormat, model, json,
        };
        command.SetAction((parse, token) =>
        {
            // A text query is embedded by the model recorded with the rows (an index's), never another.
            var (rows, resolver) = KeyedVectors.LoadRows(parse.GetValue(corpus)!, parse.GetValue(inputFormat), parse.GetValue(model), token);
            using (resolver)
                return Task.FromResult(Run(rows, parse.GetValue(query)!, parse.GetValue(k), parse.GetValue(json), resolver, token));
        });
        return command;
    }

    static int Run(EmbeddingMatrix corpus, string query, int k, bool json, QueryResolver resolver, CancellationToken token)
    {
        var vector = resolver.Vector(query, corpus, token);
        ExplainRenderer.Write(json, query, k, RankComparison.Explain(corpus, vector, k), corpus.Keys);
        return Cli.Ok;
    }
}
