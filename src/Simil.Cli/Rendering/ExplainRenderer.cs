using System.Globalization;
using System.Text.Json;
using Simil.Analysis;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>
/// <c>explain</c>'s result: a table (row, key, length, dot, cosine, l2sq ranks, moves) and the
/// notes, or one JSON document with the same names: <c>{"query","k","query_length","rows":[{"row",
/// "key","length","dot","cosine","l2sq","moves"}],"notes"}</c> (a rank of null: not in that top k).
/// </summary>
static class ExplainRenderer
{
    public static void Write(bool json, string query, int k, RankComparison result, IReadOnlyList<string>? keys)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", query);
                w.WriteNumber("k", k);
                w.WriteNumber("query_length", result.QueryNorm);
                w.WriteStartArray("rows");
                foreach (var r in result.Rows)
                {
                    w.WriteStartObject();
                    w.WriteNumber("row", r.Index);
                    if (keys is null)
                        w.WriteNull("key");
                    else
                        w.WriteString("key", keys[r.Index]);
                    w.WriteNumber("length", r.Norm);
                    Rank(w, "dot", r.DotRank);
                    Rank(w, "cosine", r.CosineRank);
                    Rank(w, "l2sq", r.L2SquaredRank);
                    w.WriteBoolean("moves", r.Moves);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("notes");
                foreach (var note in result.Notes)
                    w.WriteStringValue(note);
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        Console.Out.WriteLine($"{query} · top {k} under dot, cosine and l2sq · query length {result.QueryNorm:G4}");
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn("row").AddColumn("key").AddColumn(new TableColumn("length").RightAligned())
            .AddColumn(new TableColumn("dot").RightAligned()).AddColumn(new TableColumn("cosine").RightAligned()).AddColumn(new TableColumn("l2sq").RightAligned()).AddColumn("");
        foreach (var r in result.Rows)
            table.AddRow(r.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(keys is null ? "" : MatrixRenderer.Label(keys, r.Index)),
                r.Norm.ToString("G4", CultureInfo.InvariantCulture), Rank(r.DotRank), Rank(r.CosineRank), Rank(r.L2SquaredRank), r.Moves ? "moves" : "");
        AnsiConsole.Console.Write(table);
        foreach (var note in result.Notes)
            Console.Out.WriteLine(note);
    }

    static void Rank(Utf8JsonWriter w, string name, int rank)
    {
        if (rank == 0)
            w.WriteNull(name);
        else
            w.WriteNumber(name, rank);
    }

    static string Rank(int rank) => rank == 0 ? "–" : rank.ToString(CultureInfo.InvariantCulture);
}
