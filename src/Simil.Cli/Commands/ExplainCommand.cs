using System.CommandLine;
using System.Globalization;
using Simil.Analysis;
using Simil.Embeddings;
using Simil.IO;
using Spectre.Console;

namespace Simil.Cli.Commands;

/// <summary><c>simil explain CORPUS --query Q</c>: the top k under dot, cosine and l2sq side by side.</summary>
static class ExplainCommand
{
    public static Command Create()
    {
        var corpus = new Argument<string>("CORPUS") { Description = "The rows: a vector file, or texts to embed." };
        var query = new Option<string>("--query", "-q") { Description = "A literal vector, a key of the corpus, or a text to embed.", Required = true };
        var k = new Option<int>("-k") { Description = "How many neighbours per measure.", DefaultValueFactory = _ => 10 };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The corpus's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.ForQueries();
        var command = new Command("explain", "Show the top k under dot, cosine and l2sq side by side, with each row's length, marking rows that move between the lists.")
        {
            corpus, query, k, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            if (parse.GetValue(k) <= 0)
                throw new InputException($"-k: {parse.GetValue(k)} must be positive");
            // A text query is embedded by the model recorded with the rows (an index's), never another.
            var (rows, resolver) = KeyedVectors.LoadRows(parse.GetValue(corpus)!, parse.GetValue(inputFormat), parse.GetValue(model), token);
            using (resolver)
                return Task.FromResult(Run(rows, parse.GetValue(query)!, parse.GetValue(k), resolver, token));
        });
        return command;
    }

    static int Run(EmbeddingMatrix corpus, string query, int k, QueryResolver resolver, CancellationToken token)
    {
        var vector = resolver.Vector(query, corpus, token);
        var result = RankComparison.Explain(corpus, vector, k);

        Console.Out.WriteLine($"{query} · top {k} under dot, cosine and l2sq · query length {result.QueryNorm:G4}");
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn("row").AddColumn("key").AddColumn(new TableColumn("length").RightAligned())
            .AddColumn(new TableColumn("dot").RightAligned()).AddColumn(new TableColumn("cosine").RightAligned()).AddColumn(new TableColumn("l2sq").RightAligned()).AddColumn("");
        foreach (var r in result.Rows)
            table.AddRow(r.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(corpus.Keys is null ? "" : Rendering.MatrixRenderer.Label(corpus.Keys, r.Index)),
                r.Norm.ToString("G4", CultureInfo.InvariantCulture), Rank(r.DotRank), Rank(r.CosineRank), Rank(r.L2SquaredRank), r.Moves ? "moves" : "");
        AnsiConsole.Console.Write(table);
        foreach (var note in result.Notes)
            Console.Out.WriteLine(note);
        return Cli.Ok;
    }

    static string Rank(int rank) => rank == 0 ? "–" : rank.ToString(CultureInfo.InvariantCulture);
}
