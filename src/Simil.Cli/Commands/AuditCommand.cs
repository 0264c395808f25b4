using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.Embeddings;
using Simil.Postgres;

namespace Simil.Cli.Commands;

/// <summary>
/// <c>simil audit postgres://…</c>: the database's top k (through its index) against Simil's
/// exact top k of the same rows — recall, score error, the search setting that reaches 0.95 and
/// 0.99, and the operator class beside the measure advise recommends (docs/postgres.md).
/// </summary>
static class AuditCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "postgres://USER@HOST:PORT/DATABASE?table=T&column=C[&key=K][&where=…] (password from PGPASSWORD or .pgpass)." };
        var queries = new Option<string?>("--queries") { Description = "Query vectors (any format simil reads); default: a sample of the table's own rows." };
        var sample = new Option<int>("--sample") { Description = "How many of the table's rows to ask as queries when --queries is not given (seeded).", DefaultValueFactory = _ => 100 };
        var k = new Option<int>("-k") { Description = "How many neighbours per query.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sample.", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("audit", "Check a pgvector column's index: recall@k of the database's answers against Simil's exact search, the ef_search/probes that reach 0.95 and 0.99, and whether its measure is the advised one.")
        {
            source, queries, sample, k, seed, json,
        };
        command.SetAction((parse, token) =>
        {
            string uri = parse.GetValue(source)!;
            if (!PostgresSource.IsUri(uri))
                throw new InputException(uri, "audit reads a PostgreSQL table: give postgres://USER@HOST:PORT/DATABASE?table=T&column=C");
            if (parse.GetValue(k) < 1)
                throw new InputException($"-k: {parse.GetValue(k)} is below 1");
            if (parse.GetValue(sample) < 1)
                throw new InputException($"--sample: {parse.GetValue(sample)} is below 1");
            var parsed = PostgresSource.Parse(uri);
            EmbeddingMatrix? given = null;
            if (parse.GetValue(queries) is { } file)
            {
                using var generator = EmbeddingModels.Create(EmbeddingModels.Default);   // loads only if the file holds texts
                given = KeyedVectors.LoadOrEmbed(file, null, () => generator, token).ToFloat32();
                if (given.Count == 0)
                    throw new InputException(file, "holds no queries");
            }
            var report = Rendering.Progress.Run($"auditing {parsed.Table}.{parsed.Column}", 1, "audit",
                _ => PostgresAudit.Run(parsed, given, parse.GetValue(sample), parse.GetValue(k), parse.GetValue(seed), token));
            if (parse.GetValue(json))
                WriteJson(report);
            else
                WriteText(report);
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    static void WriteText(AuditReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var o = Console.Out;
        o.WriteLine(r.Source);
        o.WriteLine(string.Create(c, $"  rows        {r.Rows:N0} × {r.Dimensions}"));
        o.WriteLine(r.Index == "none"
            ? $"  index       none on this column: the database scans every row ({r.Metric.Name()}, {r.Operator})"
            : $"  index       {r.IndexName} ({r.Index}, {r.OperatorClass}): ranks by {r.Metric.Name()} ({r.Operator})");
        o.WriteLine(string.Create(c, $"  queries     {r.Queries:N0} {(r.Sampled ? "rows of the table (seeded sample)" : "given")}, k = {r.K}"));
        string at = r.SettingName is null ? "" : string.Create(c, $" at {r.SettingName} = {r.CurrentSetting} (this session's setting)");
        o.WriteLine(string.Create(c, $"  recall@{r.K}   {r.Recall:F4}{at}"));
        o.WriteLine(string.Create(c, $"  score error {r.ScoreError:G3} (largest |database distance − exact distance| for the same row)"));
        if (r.Settings.Count > 0)
        {
            o.WriteLine(string.Create(c, $"  {r.SettingName,-16} recall@{r.K}"));
            foreach (var s in r.Settings)
                o.WriteLine(string.Create(c, $"  {s.Value,16} {s.Recall:F4}"));
            string Reach(int? v) => v is { } x ? $"{r.SettingName} = {x.ToString(c)}" : "not reached";
            o.WriteLine($"  recall 0.95 {Reach(r.Reaches95)}; 0.99 {Reach(r.Reaches99)}");
        }
        string advised = r.MeasureMatches
            ? $"  advise      {r.Advised.Name()} for these vectors: the {(r.Index == "none" ? "query's" : "index's")} measure fits"
            : $"  advise      {r.Advised.Name()} for these vectors, but the {(r.Index == "none" ? "query" : "index")} ranks by {r.Metric.Name()}" +
              (r.OperatorClass is null ? "" : $"; rebuild it with {PostgresExport.OperatorClass(r.Advised)}");
        o.WriteLine(advised);
        foreach (var reason in r.AdvisedReasons)
            o.WriteLine($"              {reason}");
    }

    static void WriteJson(AuditReport r)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", r.Source);
            w.WriteNumber("recall", r.Recall);
            w.WriteNumber("k", r.K);
            w.WriteNumber("queries", r.Queries);
            w.WriteBoolean("sampled", r.Sampled);
            w.WriteString("metric", r.Metric.Name());
            w.WriteString("operator", r.Operator);
            w.WriteString("index", r.Index);
            if (r.IndexName is not null)
                w.WriteString("indexName", r.IndexName);
            if (r.OperatorClass is not null)
                w.WriteString("opclass", r.OperatorClass);
            w.WriteNumber("rows", r.Rows);
            w.WriteNumber("dimensions", r.Dimensions);
            w.WriteNumber("score_error", r.ScoreError);
            if (r.SettingName is not null)
            {
                w.WriteString("setting", r.SettingName);
                w.WriteNumber("current", r.CurrentSetting!.Value);
                w.WriteStartArray("settings");
                foreach (var s in r.Settings)
                {
                    w.WriteStartObject();
                    w.WriteNumber(r.Index == "hnsw" ? "ef_search" : "probes", s.Value);
                    w.WriteNumber("recall", s.Recall);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartObject("reaches");
                WriteOptional(w, "0.95", r.Reaches95);
                WriteOptional(w, "0.99", r.Reaches99);
                w.WriteEndObject();
            }
            w.WriteString("advised", r.Advised.Name());
            w.WriteBoolean("measureMatches", r.MeasureMatches);
            w.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    static void WriteOptional(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }
}
