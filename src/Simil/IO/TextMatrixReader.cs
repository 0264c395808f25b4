using System.Numerics;
using Simil.Storage;
using System.Runtime.ExceptionServices;

namespace Simil.IO;

/// <summary>
/// Numeric text matrices as <c>numpy.loadtxt</c> reads them: one row a line, values separated by
/// whitespace, commas or tabs; <c>#</c> starts a comment; blank lines are skipped; every row has
/// the same number of values. Read as float64 when asked (the values are kept exactly as written),
/// else float32. As in <see cref="WordVectorTextReader"/>, a large file is parsed in parallel
/// chunks into one array with a slot per line, then the rows are closed up in order.
/// </summary>
static class TextMatrixReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, char delimiter, bool keepFloat64, VectorSink sink)
    {
        long start = stream.Position;
        // The first data line fixes the number of columns.
        var probe = new LineReader(stream, 64 * 1024);
        int dims = -1;
        while (probe.TryReadLine(out var raw))
        {
            var line = Uncomment(raw);
            if (!line.Trim(" \t\r"u8).IsEmpty)
            {
                dims = CountFields(line, delimiter);
                break;
            }
        }
        if (dims <= 0)
            throw FileError.Line(file, Math.Max(1, probe.LineNumber), "the file holds no rows of numbers");

        var handle = (stream as FileStream)?.SafeFileHandle;
        LineChunks.Chunk[] chunks;
        if (handle is not null)
            chunks = LineChunks.Split(handle, start, stream.Length, 1);
        else
        {
            stream.Position = start;
            chunks = [new LineChunks.Chunk(start, stream.Length - start, 1, Tokens.CountLines(stream))];
        }
        long slots = chunks.Sum(c => c.Lines);
        FileError.CheckFits(file, "line 1", slots, dims, sink);
        SinkRoom<float> single = keepFloat64 ? default : sink.Reserve<float>(slots * dims);
        SinkRoom<double> wide = keepFloat64 ? sink.Reserve<double>(slots * dims) : default;
        var filled = new bool[slots];
        var failures = new (long Line, Exception Error)?[chunks.Length];
        Parallel.For(0, chunks.Length, c =>
        {
            var chunk = chunks[c];
            Stream source = handle is not null ? new RegionStream(handle, chunk.Offset, chunk.Length) : Positioned(stream, chunk.Offset);
            var reader = new LineReader(source, 64 * 1024);
            long line = chunk.FirstLine;
            try
            {
                while (reader.TryReadLine(out var raw))
                {
                    line = chunk.FirstLine + reader.LineNumber - 1;
                    var text = Uncomment(raw);
                    if (text.Trim(" \t\r"u8).IsEmpty)
                        continue;
                    long slot = line - 1;
                    if (keepFloat64)
                        ParseRow(text, line, file, delimiter, dims, wide.Slice(slot * dims, dims));
                    else
                        ParseRow(text, line, file, delimiter, dims, single.Slice(slot * dims, dims));
                    filled[slot] = true;
                }
            }
            catch (InputException e)
            {
                failures[c] = (line, e);
            }
        });
        if (failures.Where(f => f is not null).OrderBy(f => f!.Value.Line).FirstOrDefault() is { } failure)
            ExceptionDispatchInfo.Capture(failure.Error).Throw();

        int rows = 0;
        for (long slot = 0; slot < slots; slot++)
        {
            if (!filled[slot])
                continue;
            if (rows != slot)
            {
                if (keepFloat64)
                    wide.Slice(slot * dims, dims).CopyTo(wide.Slice((long)rows * dims, dims));
                else
                    single.Slice(slot * dims, dims).CopyTo(single.Slice((long)rows * dims, dims));
            }
            rows++;
        }
        return keepFloat64 ? sink.Complete<double>(rows, dims, null) : sink.Complete<float>(rows, dims, null);
    }

    static Stream Positioned(Stream stream, long offset)
    {
        stream.Position = offset;
        return stream;
    }

    static ReadOnlySpan<byte> Uncomment(ReadOnlySpan<byte> line)
    {
        int hash = line.IndexOf((byte)'#');
        return hash >= 0 ? line[..hash] : line;
    }

    /// <summary>One row of float32 or float64 values, each parsed directly in its own type (no double rounding).</summary>
    static void ParseRow<T>(ReadOnlySpan<byte> line, long number, string file, char delimiter, int dims, Span<T> row)
        where T : IFloatingPointIeee754<T>
    {
        int column = 0, pos = 0;
        while (NextField(line, delimiter, ref pos, out var token, out bool more))
        {
            if (column == dims)
                throw FileError.Line(file, number, $"{CountFields(line, delimiter)} values, expected {dims} as on the first row");
            if (!Tokens.TryParse(token, out T value))
                throw FileError.Line(file, number, column + 1, $"expected a number, found '{Tokens.Show(token)}'");
            if (!T.IsFinite(value))
                throw FileError.Line(file, number, column + 1, $"'{Tokens.Show(token)}' is not a finite {(typeof(T) == typeof(float) ? "float32" : "float64")} value");
            row[column++] = value;
            if (!more)
                break;
        }
        if (column != dims)
            throw FileError.Line(file, number, $"{column} values, expected {dims} as on the first row");
    }

    static int CountFields(ReadOnlySpan<byte> line, char delimiter)
    {
        if (delimiter == ' ')
            return Tokens.Count(line);
        int n = 0, pos = 0;
        while (NextField(line, delimiter, ref pos, out _, out bool more))
        {
            n++;
            if (!more)
                break;
        }
        return n;
    }

    /// <summary>
    /// The next field: whitespace-separated for ' ', else up to the delimiter (surrounding spaces
    /// trimmed). <paramref name="more"/> says whether a delimiter followed.
    /// </summary>
    static bool NextField(ReadOnlySpan<byte> line, char delimiter, ref int pos, out ReadOnlySpan<byte> field, out bool more)
    {
        if (delimiter == ' ')
        {
            bool found = Tokens.Next(line, ref pos, out int s, out int l);
            field = found ? line.Slice(s, l) : default;
            more = found;
            return found;
        }
        if (pos > line.Length)
        {
            field = default;
            more = false;
            return false;
        }
        int end = line[pos..].IndexOf((byte)delimiter);
        more = end >= 0;
        var raw = more ? line.Slice(pos, end) : line[pos..];
        pos += raw.Length + 1;
        field = raw.Trim(" \t\r"u8);
        return true;
    }
}
