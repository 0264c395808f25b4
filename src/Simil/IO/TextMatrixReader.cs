namespace Simil.IO;

/// <summary>
/// Numeric text matrices as <c>numpy.loadtxt</c> reads them: one row a line, values separated by
/// whitespace, commas or tabs; <c>#</c> starts a comment; blank lines are skipped; every row has
/// the same number of values. Read as float64 when asked (the values are kept exactly as written),
/// else float32. The array is sized from a count of the lines, so memory holds the values once.
/// </summary>
static class TextMatrixReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, char delimiter, bool keepFloat64)
    {
        long capacity = stream.CanSeek ? Tokens.CountLines(stream) : 1024;
        var reader = new LineReader(stream);
        int dims = -1, rows = 0;
        float[]? single = null;
        double[]? wide = null;
        while (reader.TryReadLine(out var raw))
        {
            int hash = raw.IndexOf((byte)'#');
            var line = hash >= 0 ? raw[..hash] : raw;
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            if (dims < 0)
            {
                dims = CountFields(line, delimiter);
                if (capacity * dims > Array.MaxLength)
                    FileError.ThrowTooLarge(file, $"line {reader.LineNumber}", capacity, dims);
                if (keepFloat64)
                    wide = new double[capacity * dims];
                else
                    single = new float[capacity * dims];
            }
            if (rows == capacity)
            {
                capacity *= 2;
                if (wide is not null) Array.Resize(ref wide, checked((int)(capacity * dims)));
                else Array.Resize(ref single, checked((int)(capacity * dims)));
            }
            int column = 0, pos = 0;
            while (NextField(line, delimiter, ref pos, out var token, out bool more))
            {
                if (column == dims)
                    throw FileError.Line(file, reader.LineNumber, $"{CountFields(line, delimiter)} values, expected {dims} as on the first row");
                if (wide is not null)
                {
                    if (!Tokens.TryParseDouble(token, out double value))
                        throw FileError.Line(file, reader.LineNumber, column + 1, $"expected a number, found '{Tokens.Show(token)}'");
                    if (!double.IsFinite(value))
                        throw FileError.Line(file, reader.LineNumber, column + 1, $"'{Tokens.Show(token)}' is not a finite float64 value");
                    wide[(long)rows * dims + column] = value;
                }
                else
                {
                    if (!Tokens.TryParseFloat(token, out float value))
                        throw FileError.Line(file, reader.LineNumber, column + 1, $"expected a number, found '{Tokens.Show(token)}'");
                    if (!float.IsFinite(value))
                        throw FileError.Line(file, reader.LineNumber, column + 1, $"'{Tokens.Show(token)}' is not a finite float32 value");
                    single![(long)rows * dims + column] = value;
                }
                column++;
                if (!more)
                    break;
            }
            if (column != dims)
                throw FileError.Line(file, reader.LineNumber, $"{column} values, expected {dims} as on the first row");
            rows++;
        }
        if (rows == 0)
            throw FileError.Line(file, Math.Max(1, reader.LineNumber), "the file holds no rows of numbers");
        return wide is not null ? EmbeddingMatrix.Wrap(wide, rows, dims, null) : EmbeddingMatrix.Wrap(single!, rows, dims, null);
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
