using System.Globalization;
using System.Text.Json;
using Simil.Postgres;

namespace Simil.Cli.Rendering;

/// <summary><c>simil audit</c>'s report as lines or as one JSON document.</summary>
static class AuditRenderer
{
    public static void WriteText(AuditReport r)
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
              (r.OperatorClass is null ? "" : $"; rebuild it with {Rebuilt(r)}");
        o.WriteLine(advised);
        foreach (var reason in r.AdvisedReasons)
            o.WriteLine($"              {reason}");
    }

    public static void WriteJson(AuditReport r)
    {
        JsonOutput.Write(w =>
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
                w.WriteString("index_name", r.IndexName);
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
            w.WriteBoolean("measure_matches", r.MeasureMatches);
            w.WriteEndObject();
        });
    }

    static void WriteOptional(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    /// <summary>The operator class for the advised measure, of the column's type (vector_… or halfvec_…).</summary>
    static string Rebuilt(AuditReport r)
    {
        string opclass = PostgresExport.OperatorClass(r.Advised);
        return r.OperatorClass!.StartsWith("halfvec_", StringComparison.Ordinal) ? "half" + opclass : opclass;
    }
}
