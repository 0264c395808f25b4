using System.Text.Json;
using System.Text.Json.Serialization;

namespace Simil.Server.Api;

/// <summary>A search: a query (literal, id or text) or a vector, and the settings of <c>simil search</c>.</summary>
public sealed record SearchRequest(string? Query = null, float[]? Vector = null, int K = 10, int? Ef = null, bool Exact = false, JsonElement? Filter = null, int? Oversample = null);

/// <summary>One hit.</summary>
public sealed record SearchHit(string Id, float Score, JsonElement? Metadata, string? Text);

/// <summary>A search's hits, best first.</summary>
public sealed record SearchResponse(string Collection, string Metric, IReadOnlyList<SearchHit> Results);

/// <summary>One row to write: an id, a vector or a text to embed, metadata.</summary>
public sealed record RowRequest(string Id, float[]? Vector = null, string? Text = null, JsonElement? Metadata = null);

/// <summary>Rows to upsert as one write.</summary>
public sealed record UpsertRequest(IReadOnlyList<RowRequest> Rows);

/// <summary>What an upsert did.</summary>
public sealed record UpsertResponse(int Upserted, int Replaced, long Live);

/// <summary>Rows to delete, by id or by filter (one of the two).</summary>
public sealed record DeleteRequest(IReadOnlyList<string>? Ids = null, JsonElement? Filter = null);

/// <summary>What a delete did.</summary>
public sealed record DeleteResponse(int Deleted, long Live);

/// <summary>What a compaction left.</summary>
public sealed record CompactResponse(int Segments, long Live);

/// <summary>An explain: a query (literal, id or text) or a vector, and k.</summary>
public sealed record ExplainRequest(string? Query = null, float[]? Vector = null, int K = 10);

/// <summary>A row in some top k, its length and its rank under each measure (0: outside the top k), as <c>simil explain --json</c> names them.</summary>
public sealed record ExplainRow(string Key, double Length, int Dot, int Cosine, [property: JsonPropertyName("l2sq")] int L2Squared, bool Moves, ExplainScores Scores, string? Text = null);

/// <summary>A row's score under each of the three measures (the kernels' one-to-one scores).</summary>
public sealed record ExplainScores(float Dot, float Cosine, [property: JsonPropertyName("l2sq")] float L2Squared);

/// <summary>The top k under dot, cosine and l2sq side by side, with what the differences mean.</summary>
public sealed record ExplainResponse(int K, double QueryLength, IReadOnlyList<ExplainRow> Rows, IReadOnlyList<string> Notes);

/// <summary>One row, whole.</summary>
public sealed record RowResponse(string Id, float[] Vector, JsonElement? Metadata, string? Text);

/// <summary>A served collection.</summary>
public sealed record CollectionInfo(string Name, string Kind, long Live, long Deleted, int Dimensions, string Metric, string? Model, int Segments, int LogRows);

/// <summary>Every served collection.</summary>
public sealed record CollectionList(IReadOnlyList<CollectionInfo> Collections);

/// <summary>Two inputs to compare: each a text, or a vector.</summary>
public sealed record CompareRequest(JsonElement A, JsonElement B, string? Model = null);

/// <summary>Every measure between two vectors.</summary>
public sealed record CompareResponse(int Dimensions, string? Model, IReadOnlyDictionary<string, float> Measures, double LengthA, double LengthB, IReadOnlyList<string> Notes);

/// <summary>An advice request: how many rows to measure, and a metadata field whose values are class labels.</summary>
public sealed record AdviseRequest(int Sample = 2000, string? LabelField = null);

/// <summary>A map request: how many rows, an optional query (literal, id or text) or vector whose k neighbours are marked, a metadata field to colour by, and whether to send the vectors (for UMAP in the page).</summary>
public sealed record MapRequest(int Limit = 2000, string? Query = null, float[]? Vector = null, int K = 10, string? Field = null, bool Vectors = false);

/// <summary>One row on the map.</summary>
public sealed record MapPoint(string Id, double X, double Y, double Length, string? Text, JsonElement? Value, bool Neighbour, float[]? Vector);

/// <summary>The map: PCA's two axes (computed by Simil on the sampled rows), the rows on them, and the query where one was given.</summary>
public sealed record MapResponse(string Collection, long Live, int Sampled, IReadOnlyList<double> Explained, IReadOnlyList<MapPoint> Points, MapPoint? Query, IReadOnlyList<string> Neighbours, string Metric, IReadOnlyList<string> Fields);

/// <summary>Texts to embed.</summary>
public sealed record EmbedRequest(IReadOnlyList<string> Texts, string? Model = null);

/// <summary>Their vectors.</summary>
public sealed record EmbedResponse(string Model, int Dimensions, IReadOnlyList<float[]> Vectors);

/// <summary>What <c>GET /</c> answers a client that asks for JSON: the Qdrant API version the dialect follows (what Qdrant's clients check) and Simil's own.</summary>
public sealed record VersionResponse(string Title, string Version, string SimilVersion);

/// <summary>Qdrant's error document: <c>{"status": {"error": …}, "time": …}</c>.</summary>
public sealed record QdrantError(QdrantErrorStatus Status, double Time);

/// <summary>The error's message.</summary>
public sealed record QdrantErrorStatus(string Error);

/// <summary>An RFC 9457 problem document.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail, string Instance);

/// <summary>Source-generated JSON for every contract (Native AOT): snake_case, unknown fields refused.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(UpsertRequest))]
[JsonSerializable(typeof(UpsertResponse))]
[JsonSerializable(typeof(DeleteRequest))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(CompactResponse))]
[JsonSerializable(typeof(RowResponse))]
[JsonSerializable(typeof(ExplainRequest))]
[JsonSerializable(typeof(ExplainResponse))]
[JsonSerializable(typeof(CollectionList))]
[JsonSerializable(typeof(CollectionInfo))]
[JsonSerializable(typeof(CompareRequest))]
[JsonSerializable(typeof(CompareResponse))]
[JsonSerializable(typeof(EmbedRequest))]
[JsonSerializable(typeof(EmbedResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(QdrantError))]
[JsonSerializable(typeof(AdviseRequest))]
[JsonSerializable(typeof(MapRequest))]
[JsonSerializable(typeof(MapResponse))]
public sealed partial class ServerJson : JsonSerializerContext
{
    /// <summary>The same contracts, writing non-ASCII text and quotes as they are (not as <c>\u00E1</c>, <c>\u0027</c>), as the CLI's JSON does.</summary>
    public static ServerJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
