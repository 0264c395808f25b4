using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Npgsql;
using Simil.Storage;

namespace Simil.Postgres;

/// <summary>
/// Reads a source's rows by one binary <c>COPY (SELECT …) TO STDOUT</c> in a read-only
/// transaction, straight into native memory (docs/postgres.md): no second copy of the table.
/// </summary>
public static class PostgresReader
{
    /// <summary>The rows (keyed when the source names <c>key=</c>), as float32.</summary>
    public static EmbeddingMatrix Read(PostgresSource source, CancellationToken token = default) =>
        Read(source, source.Key is { } key ? $"{PostgresSource.Quote(key)}::text" : null, token);

    /// <summary>
    /// The rows (keyed when the source names <c>key=</c>) and, when it names <c>columns=</c>, each
    /// row's metadata: those columns as one JSON object built by the server (null otherwise).
    /// </summary>
    public static (EmbeddingMatrix Rows, IReadOnlyList<string>? Metadata) ReadWithMetadata(PostgresSource source, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var dataSource = PostgresConnection.DataSource(source);
        using var connection = PostgresConnection.Open(dataSource, source);
        var metadata = source.Columns is null ? null : new List<string>();
        var rows = Read(connection, source, source.Key is { } key ? $"{PostgresSource.Quote(key)}::text" : null, null, token, metadata);
        return (rows, metadata);
    }

    /// <summary>The rows keyed by <paramref name="keyExpression"/> (SQL giving text; null for none).</summary>
    internal static EmbeddingMatrix Read(PostgresSource source, string? keyExpression, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var dataSource = PostgresConnection.DataSource(source);
        using var connection = PostgresConnection.Open(dataSource, source);
        return Read(connection, source, keyExpression, null, token);
    }

    /// <summary>
    /// The rows on an open connection, in a read-only transaction of their own; <paramref name="accept"/>
    /// sees what the catalog says of the column before any row is read (and may refuse it by throwing).
    /// Failures are one line naming the source.
    /// </summary>
    internal static EmbeddingMatrix Read(NpgsqlConnection connection, PostgresSource source, string? keyExpression, Action<VectorColumn>? accept, CancellationToken token,
        List<string>? metadata = null)
    {
        try
        {
            using var transaction = connection.BeginTransaction();
            using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                readOnly.ExecuteNonQuery();
            var column = VectorColumn.Find(connection, source);
            accept?.Invoke(column);
            var rows = Copy(connection, source, column, keyExpression, token, metadata);
            transaction.Commit();
            return rows;
        }
        catch (NpgsqlException e)   // PostgresException (what the server said) included
        {
            throw PostgresConnection.Explain(source, e, "reading");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InputException($"{source.Display}: the server's COPY stream is cut or malformed ({e.Message})", e);
        }
    }

    static EmbeddingMatrix Copy(NpgsqlConnection connection, PostgresSource source, VectorColumn column, string? keyExpression, CancellationToken token,
        List<string>? metadata)
    {
        // columns= travel as one JSON object a row, built by the server (json_build_object keeps the
        // columns' order; types as JSON has them), names as quoted literals; written back compact.
        string? metadataExpression = metadata is null || source.Columns is null ? null
            : $"json_build_object({string.Join(", ", source.Columns.Select(c => $"{Literal(c)}, {PostgresSource.Quote(c)}"))})::text";
        string select = $"SELECT {(keyExpression is null ? "" : keyExpression + ", ")}{PostgresSource.Quote(source.Column)}" +
            $"{(metadataExpression is null ? "" : ", " + metadataExpression)} FROM {source.QualifiedTable} WHERE {source.Condition}";
        var sink = new NativeSink();
        var keys = keyExpression is null ? null : new List<string>();
        int rows = 0, dimensions = column.Dimensions ?? -1, fields = (keys is null ? 1 : 2) + (metadataExpression is null ? 0 : 1);
        long capacity = 0;
        SinkRoom<float> memory = default;
        using (var stream = connection.BeginRawBinaryCopy($"COPY ({select}) TO STDOUT (FORMAT binary)"))
        {
            var copy = new CopyReader(stream);
            copy.ReadHeader();
            while (copy.StartRow(fields))
            {
                if ((rows & 4095) == 0 && token.IsCancellationRequested)
                {
                    stream.Cancel();
                    token.ThrowIfCancellationRequested();
                }
                string? key = null;
                if (keys is not null)
                    key = copy.ReadText() ?? throw new InputException($"{source.Display}: row {rows + 1:N0} has a NULL key ({keyExpression})");
                var value = copy.ReadField();
                if (value.IsEmpty && copy.LastWasNull)
                    throw new InputException($"{source.Display}: row {rows + 1:N0}{KeyText(key)} has a NULL {source.Column}; add where={source.Column} IS NOT NULL to leave such rows out");
                int d = Dimensions(column.Type, value);
                if (dimensions < 0)
                    dimensions = d;
                else if (d != dimensions)
                    throw new InputException($"{source.Display}: row {rows + 1:N0}{KeyText(key)} has {d} dimensions but the rows before it have {dimensions}; add a where= that keeps one dimension");
                if ((long)(rows + 1) * dimensions > capacity)
                {
                    long room = Math.Max(rows + 1L, capacity == 0 ? Math.Max(column.EstimatedRows + column.EstimatedRows / 50 + 1024, 1024) : rows * 3L / 2 + 1024);
                    capacity = room * Math.Max(dimensions, 1);
                    memory = rows == 0 ? sink.Reserve<float>(capacity) : sink.Grow<float>(capacity);
                }
                Decode(column.Type, value, memory.Slice((long)rows * dimensions, dimensions));
                if (metadataExpression is not null)
                    metadata!.Add(Compact(copy.ReadText() ?? "{}"));
                keys?.Add(key!);
                rows++;
            }
        }
        if (rows == 0)
            memory = sink.Reserve<float>(0);
        return sink.Complete<float>(rows, Math.Max(dimensions, 0), keys?.ToArray());
    }

    /// <summary>The server's JSON text without its spaces, as every other reader writes metadata.</summary>
    static string Compact(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            document.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A column name as an SQL string literal (quotes doubled).</summary>
    static string Literal(string name) => $"'{name.Replace("'", "''", StringComparison.Ordinal)}'";

    static string KeyText(string? key) => key is null ? "" : $" (key '{key}')";

    /// <summary>The dimensions in one value of pgvector's binary format (vector_send, halfvec_send, bit_send).</summary>
    static int Dimensions(VectorColumnType type, ReadOnlySpan<byte> bytes) => type switch
    {
        VectorColumnType.Bit => BinaryPrimitives.ReadInt32BigEndian(bytes),
        _ => BinaryPrimitives.ReadInt16BigEndian(bytes),
    };

    /// <summary>One value into float32: vector as it is, halfvec widened exactly, bit as 0 and 1 (first bit the most significant).</summary>
    static void Decode(VectorColumnType type, ReadOnlySpan<byte> bytes, Span<float> row)
    {
        switch (type)
        {
            case VectorColumnType.Vector:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes.Slice(4, 4 * row.Length)), MemoryMarshal.Cast<float, int>(row));
                break;
            case VectorColumnType.HalfVec:
                for (int i = 0; i < row.Length; i++)
                    row[i] = (float)BinaryPrimitives.ReadHalfBigEndian(bytes.Slice(4 + 2 * i));
                break;
            default:
                for (int i = 0; i < row.Length; i++)
                    row[i] = (bytes[4 + (i >> 3)] >> (7 - (i & 7))) & 1;
                break;
        }
    }
}
