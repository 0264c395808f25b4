using System.Buffers.Binary;
using System.Text;

namespace Simil.Collections;

/// <summary>
/// One write-ahead log record (<c>docs/collection-format.md</c>): an upsert of rows or a delete of
/// ids, with its sequence number; encoded as the payload of one log frame.
/// </summary>
public sealed record LogRecord(long Sequence, IReadOnlyList<CollectionRow>? Upserts, IReadOnlyList<string>? Deletes)
{
    const byte Upsert = 1, Delete = 2;

    /// <summary>The payload bytes.</summary>
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Upserts is not null ? Upsert : Delete);
            w.Write(Sequence);
            if (Upserts is { } rows)
            {
                w.Write(rows.Count);
                foreach (var row in rows)
                {
                    Text(w, row.Id);
                    Text(w, row.Metadata);
                    Text(w, row.Text);
                    foreach (float v in row.Vector)
                        w.Write(v);
                }
            }
            else
            {
                w.Write(Deletes!.Count);
                foreach (var id in Deletes)
                    Text(w, id);
            }
        }
        return stream.ToArray();
    }

    static void Text(BinaryWriter w, string? text)
    {
        var bytes = text is null ? [] : Encoding.UTF8.GetBytes(text);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    /// <summary>Reads a payload of a collection of <paramref name="dimensions"/>; null when it is not a record (damage the CRC missed cannot pass as one).</summary>
    public static LogRecord? Decode(ReadOnlySpan<byte> payload, int dimensions)
    {
        try
        {
            int at = 0;
            byte kind = payload[at++];
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[at..]);
            at += 8;
            int n = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
            at += 4;
            if (n < 0 || kind is not (Upsert or Delete))
                return null;
            if (kind == Delete)
            {
                var ids = new List<string>(Math.Min(n, 1 << 16));
                for (int i = 0; i < n; i++)
                    ids.Add(ReadText(payload, ref at) ?? "");
                return at == payload.Length ? new LogRecord(sequence, null, ids) : null;
            }
            var rows = new List<CollectionRow>(Math.Min(n, 1 << 16));
            for (int i = 0; i < n; i++)
            {
                string id = ReadText(payload, ref at) ?? "";
                string? metadata = ReadText(payload, ref at), text = ReadText(payload, ref at);
                var vector = new float[dimensions];
                for (int d = 0; d < dimensions; d++, at += 4)
                    vector[d] = BinaryPrimitives.ReadSingleLittleEndian(payload[at..]);
                rows.Add(new CollectionRow(id, vector, metadata, text));
            }
            return at == payload.Length ? new LogRecord(sequence, rows, null) : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    static string? ReadText(ReadOnlySpan<byte> payload, ref int at)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
        at += 4;
        if (length < 0 || length > payload.Length - at)
            throw new ArgumentOutOfRangeException(nameof(payload));
        var text = length == 0 ? null : Encoding.UTF8.GetString(payload.Slice(at, length));
        at += length;
        return text;
    }
}
