using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Simil.Server;

/// <summary>
/// Request counts and latencies for <c>/metrics</c>, in Prometheus's text format: a counter by
/// method, route and status, a latency histogram by route, and the collections open.
/// </summary>
sealed class Metrics
{
    static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    readonly ConcurrentDictionary<(string Method, string Route, int Status), long> _counts = new();
    readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);

    sealed class Histogram
    {
        public readonly long[] Counts = new long[Buckets.Length + 1];
        public long Total;
        public double Sum;
        public readonly Lock Gate = new();
    }

    public void Record(string method, string route, int status, double seconds)
    {
        _counts.AddOrUpdate((method, route, status), 1, (_, n) => n + 1);
        var h = _latency.GetOrAdd(route, _ => new Histogram());
        lock (h.Gate)
        {
            int bucket = Array.FindIndex(Buckets, b => seconds <= b);
            h.Counts[bucket < 0 ? Buckets.Length : bucket]++;
            h.Total++;
            h.Sum += seconds;
        }
    }

    public string Render(int openCollections)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# HELP simil_http_requests_total HTTP requests answered, by method, route and status.");
        text.AppendLine("# TYPE simil_http_requests_total counter");
        foreach (var ((method, route, status), n) in _counts.OrderBy(x => x.Key.Route, StringComparer.Ordinal).ThenBy(x => x.Key.Status))
            text.AppendLine(c, $"simil_http_requests_total{{method=\"{method}\",route=\"{Escape(route)}\",status=\"{status}\"}} {n}");
        text.AppendLine("# HELP simil_http_request_duration_seconds Time to answer a request, by route.");
        text.AppendLine("# TYPE simil_http_request_duration_seconds histogram");
        foreach (var (route, h) in _latency.OrderBy(x => x.Key, StringComparer.Ordinal))
            lock (h.Gate)
            {
                long cumulative = 0;
                for (int b = 0; b < Buckets.Length; b++)
                {
                    cumulative += h.Counts[b];
                    text.AppendLine(c, $"simil_http_request_duration_seconds_bucket{{route=\"{Escape(route)}\",le=\"{Buckets[b]}\"}} {cumulative}");
                }
                text.AppendLine(c, $"simil_http_request_duration_seconds_bucket{{route=\"{Escape(route)}\",le=\"+Inf\"}} {h.Total}");
                text.AppendLine(c, $"simil_http_request_duration_seconds_sum{{route=\"{Escape(route)}\"}} {h.Sum:R}");
                text.AppendLine(c, $"simil_http_request_duration_seconds_count{{route=\"{Escape(route)}\"}} {h.Total}");
            }
        text.AppendLine("# HELP simil_open_collections Collections served.");
        text.AppendLine("# TYPE simil_open_collections gauge");
        text.AppendLine(c, $"simil_open_collections {openCollections}");
        return text.ToString();
    }

    static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
