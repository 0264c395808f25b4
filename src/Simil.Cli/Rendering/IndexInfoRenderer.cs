using System.Globalization;
using Simil.Indexes;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary><c>index info</c>: what an index holds as a table, or its header as one JSON document (with the recall estimate when asked).</summary>
static class IndexInfoRenderer
{
    public static void WriteJson(IndexInfo info, RecallEstimate? estimate)
    {
        string text = info.ToJson();
        if (estimate is not null)
            text = text[..^1] + string.Create(CultureInfo.InvariantCulture,
                $",\"recall\":{{\"k\":{estimate.K},\"queries\":{estimate.Queries},\"value\":{estimate.Recall:R},\"against\":\"{(estimate.AgainstFloat32 ? "float32" : "decoded")}\"}}}}");
        Console.Out.WriteLine(text);
    }

    public static void WriteTable(string file, IndexInfo info, RecallEstimate? estimate)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(file)) }.AddColumn("").AddColumn("");
        table.HideHeaders();
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("rows", info.Count.ToString("N0", CultureInfo.InvariantCulture));
        Row("dimensions", info.Dimensions.ToString(CultureInfo.InvariantCulture));
        Row("metric", info.Metric.Name());
        Row("kind", info.Kind);
        Row("precision", info.StoredPrecisionDescription());
        Row("model", info.Model ?? "none (vectors from a file)");
        Row("bytes", info.Bytes.ToString("N0", CultureInfo.InvariantCulture));
        if (info.Graph is { } g)
            Row("graph", $"M {g.M} (level 0: {g.M0}), ef-construction {g.EfConstruction}, seed {g.Seed}, {g.TopLevel + 1} levels");
        Row("sections", string.Join(", ", info.Sections.Select(s => $"{s.Id} {s.Bytes:N0}")));
        Row("written by", info.CreatedBy ?? "?");
        if (estimate is not null)
            Row("recall@10", $"{estimate.Recall:F4} over {estimate.Queries:N0} of its rows as queries, against an exact scan of {(estimate.AgainstFloat32 ? "the float32 rows" : "the decoded codes (no float32 rows kept: the loss to compression is not in this figure)")}");
        AnsiConsole.Console.Write(table);
    }
}
