namespace Simil.IO;

/// <summary>
/// word2vec text (a <c>count dimensions</c> header), fastText <c>.vec</c> (the same, with trailing
/// spaces) and GloVe (no header): one <c>key v1 … vd</c> line per vector, values separated by
/// spaces or tabs. Rows go straight into an array sized from the header (checked against the
/// file's size first) or from a count of the lines. A key seen again is dropped: the first wins.
/// </summary>
static class WordVectorTextReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, bool expectHeader, List<string> warnings)
    {
        long fileLength = stream.CanSeek ? stream.Length - stream.Position : -1;
        long lineCount = stream.CanSeek ? Tokens.CountLines(stream) : -1;
        var reader = new LineReader(stream);
        if (!reader.TryReadLine(out var first))
            throw FileError.Byte(file, 0, "the file is empty; expected word vectors");

        long declaredRows = -1;
        int dims;
        bool pending;   // is `first` a vector line still to parse?
        if (expectHeader)
        {
            int pos = 0;
            if (!Tokens.Next(first, ref pos, out int s0, out int l0) || !Tokens.Next(first, ref pos, out int s1, out int l1)
                || Tokens.Next(first, ref pos, out _, out _)
                || !long.TryParse(first.Slice(s0, l0), out declaredRows) || !int.TryParse(first.Slice(s1, l1), out dims)
                || declaredRows < 0 || dims <= 0)
                throw FileError.Line(file, 1, $"expected a header 'count dimensions' (two positive integers), found '{Tokens.Show(first)}'");
            // Every value takes at least two bytes ("0 "): a header claiming more than the file can hold is wrong.
            // A claim far beyond what the file can hold is a wrong header: refuse it before allocating.
            if (fileLength >= 0 && declaredRows * (2L * dims + 2) > 2 * fileLength + (1 << 20))
                throw FileError.Line(file, 1, $"the header declares {declaredRows} rows of {dims} values, far more than a {fileLength}-byte file can hold");
            if (declaredRows * dims > Array.MaxLength)
                FileError.ThrowTooLarge(file, "line 1", declaredRows, dims);
            pending = false;
        }
        else
        {
            dims = Tokens.Count(first) - 1;
            if (dims <= 0)
                throw FileError.Line(file, 1, $"expected 'key v1 … vd', found '{Tokens.Show(first)}'");
            pending = true;
        }

        long capacityRows = declaredRows >= 0 ? declaredRows : lineCount >= 0 ? lineCount : 1024;
        if (capacityRows * dims > Array.MaxLength)
            FileError.ThrowTooLarge(file, "line 1", capacityRows, dims);
        var data = new float[capacityRows * dims];
        var keys = new List<string>((int)Math.Min(capacityRows, 1 << 20));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = 0;
        string? firstDuplicate = null;
        long firstDuplicateLine = 0;
        int rows = 0;

        while (true)
        {
            ReadOnlySpan<byte> line;
            if (pending)
            {
                line = first;
                pending = false;
            }
            else if (!reader.TryReadLine(out line))
                break;
            long lineNumber = reader.LineNumber;
            if (line.Trim((byte)' ').IsEmpty)
                continue;
            if (declaredRows >= 0 && rows + duplicates == declaredRows)
                throw FileError.Line(file, lineNumber, $"the header declares {declaredRows} rows but more follow");
            if (rows == capacityRows)
            {
                // Only without a header and without a seekable stream: grow.
                capacityRows *= 2;
                Array.Resize(ref data, checked((int)(capacityRows * dims)));
            }

            int pos = 0;
            Tokens.Next(line, ref pos, out int ks, out int kl);
            var key = Tokens.Key(line.Slice(ks, kl), file, $"line {lineNumber}");
            var row = data.AsSpan(rows * dims, dims);
            int column = 0;
            while (Tokens.Next(line, ref pos, out int ts, out int tl))
            {
                if (column == dims)
                    throw FileError.Line(file, lineNumber, $"{Tokens.Count(line) - 1} values, expected {dims} (as {(declaredRows >= 0 ? "the header declares" : "on line 1")})");
                var token = line.Slice(ts, tl);
                if (!Tokens.TryParseFloat(token, out float value))
                    throw FileError.Line(file, lineNumber, column + 2, $"expected a number, found '{Tokens.Show(token)}'");
                if (!float.IsFinite(value))
                    throw FileError.Line(file, lineNumber, column + 2, $"{Tokens.Message(value)} is not a valid vector value");
                row[column++] = value;
            }
            if (column != dims)
                throw FileError.Line(file, lineNumber, $"{column} values, expected {dims} (as {(declaredRows >= 0 ? "the header declares" : "on line 1")})");
            if (!seen.Add(key))
            {
                duplicates++;
                if (firstDuplicate is null)
                    (firstDuplicate, firstDuplicateLine) = (key, lineNumber);
                continue;   // the row is overwritten by the next one
            }
            keys.Add(key);
            rows++;
        }
        if (declaredRows >= 0 && rows + duplicates != declaredRows)
            throw FileError.Line(file, reader.LineNumber, $"the header declares {declaredRows} rows but the file has {rows + duplicates}");
        if (rows == 0)
            throw FileError.Line(file, reader.LineNumber, "the file holds no vectors");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}' on line {firstDuplicateLine})");
        return EmbeddingMatrix.Wrap(data, rows, dims, [.. keys]);
    }
}
