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
        if (r.Distribution is { } citus)
        {
            o.WriteLine(string.Create(c, $"  citus       {citus.Kind} table{(citus.DistributionColumn is { } d ? $" by {d}" : "")}, {citus.Shards.Count} shards on {citus.Nodes.Count} nodes ({string.Join(", ", citus.Nodes)})"));
            if (citus.Kind is "distributed" or "append" or "range")
                o.WriteLine(string.Create(c, $"              each shard returns its own top {r.K} from its own index; the coordinator merges {citus.Shards.Count * r.K:N0} candidates"));
        }
        else if (r.OnCitus)
            o.WriteLine("  citus       not distributed: a local table on the coordinator, audited as on one node");
        o.WriteLine(string.Create(c, $"  queries     {r.Queries:N0} {(r.Sampled ? "rows of the table (seeded sample)" : "given")}, k = {r.K}"));
        string at = r.SettingName is null ? ""
            : r.CoordinatorSetting is { } coordinator
                ? string.Create(c, $" at {r.SettingName} = {r.CurrentSetting} (the shards' setting; the coordinator's session has {coordinator})")
                : string.Create(c, $" at {r.SettingName} = {r.CurrentSetting} (this session's setting)");
        o.WriteLine(string.Create(c, $"  recall@{r.K}   {r.Recall:F4}{at}"));
        o.WriteLine(string.Create(c, $"  score error {r.ScoreError:G3} (largest |database distance − exact distance| for the same row)"));
        foreach (var shard in r.Shards)
            o.WriteLine(string.Create(c, $"  {shard.Shard,-20} {shard.Node,-21} {shard.Rows,12:N0} rows  recall@{r.K} {(double.IsNaN(shard.Recall) ? "–" : shard.Recall.ToString("F4", c))} ({shard.Found:N0} of the {shard.Answers:N0} exact answers it holds)"));
        if (r.SettingReachesShards == false)
            o.WriteLine($"  {r.SettingName} set on the coordinator does not reach the shards' queries (their answers show {r.CurrentSetting}): no sweep; set it on the workers (ALTER SYSTEM, ALTER ROLE … SET) to audit other values");
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
            if (r.Distribution is { } citus)
            {
                w.WriteStartObject("citus");
                w.WriteString("kind", citus.Kind);
                if (citus.DistributionColumn is { } column)
                    w.WriteString("distribution_column", column);
                w.WriteNumber("shard_count", citus.Shards.Count);
                w.WriteStartArray("nodes");
                foreach (var node in citus.Nodes)
                    w.WriteStringValue(node);
                w.WriteEndArray();
                if (r.SettingReachesShards is { } reaches)
                    w.WriteBoolean("setting_reaches_shards", reaches);
                if (r.CoordinatorSetting is { } coordinator)
                    w.WriteNumber("coordinator_setting", coordinator);
                w.WriteStartArray("shards");
                foreach (var shard in r.Shards)
                {
                    w.WriteStartObject();
                    w.WriteString("shard", shard.Shard);
                    w.WriteString("node", shard.Node);
                    w.WriteNumber("rows", shard.Rows);
                    w.WriteNumber("answers", shard.Answers);
                    w.WriteNumber("found", shard.Found);
                    if (double.IsNaN(shard.Recall))
                        w.WriteNull("recall");
                    else
                        w.WriteNumber("recall", shard.Recall);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else if (r.OnCitus)
            {
                w.WriteStartObject("citus");
                w.WriteString("kind", "not distributed");
                w.WriteEndObject();
            }
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
