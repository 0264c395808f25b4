using Simil.Storage;
using System.Runtime.ExceptionServices;

namespace Simil.IO;

/// <summary>
/// word2vec text (a <c>count dimensions</c> header), fastText <c>.vec</c> (the same, with trailing
/// spaces) and GloVe (no header): one <c>key v1 … vd</c> line per vector, values separated by
/// spaces or tabs. A large file is cut at line starts into chunks parsed in parallel; every data
/// line has its slot in one array sized from the line count (checked against the header), and the
/// rows are then closed up in order, dropping blank lines and repeated keys (the first wins), so
/// memory holds the vectors about once and errors keep their exact line numbers.
/// </summary>
static class WordVectorTextReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, bool expectHeader, List<string> warnings, VectorSink sink)
    {
        long start = stream.Position;
        long fileLength = stream.Length - start;
        var firstReader = new LineReader(stream, 64 * 1024);
        if (!firstReader.TryReadLine(out var first))
            throw FileError.Byte(file, 0, "the file is empty; expected word vectors");

        long declaredRows = -1;
        int dims;
        long dataStart;   // offset (from start) of the first vector line
        if (expectHeader)
        {
            int pos = 0;
            if (!Tokens.Next(first, ref pos, out int s0, out int l0) || !Tokens.Next(first, ref pos, out int s1, out int l1)
                || Tokens.Next(first, ref pos, out _, out _)
                || !long.TryParse(first.Slice(s0, l0), out declaredRows) || !int.TryParse(first.Slice(s1, l1), out dims)
                || declaredRows < 0 || dims <= 0)
                throw FileError.Line(file, 1, $"expected a header 'count dimensions' (two positive integers), found '{Tokens.Show(first)}'");
            // A claim far beyond what the file can hold is a wrong header: refuse it before allocating.
            if (declaredRows * (2L * dims + 2) > 2 * fileLength + (1 << 20))
                throw FileError.Line(file, 1, $"the header declares {declaredRows} rows of {dims} values, far more than a {fileLength}-byte file can hold");
            FileError.CheckFits(file, "line 1", declaredRows, dims, sink);
            dataStart = firstReader.Position;
        }
        else
        {
            dims = Tokens.Count(first) - 1;
            if (dims <= 0)
                throw FileError.Line(file, 1, $"expected 'key v1 … vd', found '{Tokens.Show(first)}'");
            dataStart = 0;
        }
        string expectation = declaredRows >= 0 ? "the header declares" : "on line 1";

        LineChunks.Chunk[] chunks;
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle = (stream as FileStream)?.SafeFileHandle;
        if (handle is not null)
            chunks = LineChunks.Split(handle, start + dataStart, start + fileLength, expectHeader ? 2 : 1);
        else
        {
            stream.Position = start + dataStart;
            long lines = Tokens.CountLines(stream);
            chunks = [new LineChunks.Chunk(start + dataStart, fileLength - dataStart, expectHeader ? 2 : 1, lines)];
        }
        long slots = chunks.Sum(c => c.Lines);
        if (declaredRows >= 0 && slots < declaredRows)
            slots = declaredRows;   // too few lines: found below, with its line number
        FileError.CheckFits(file, "line 1", slots, dims, sink);
        // Each value takes at least two bytes ('1 '): the slots are refused before they are reserved
        // when the file cannot hold them (found by fuzzing: a header '0 415119976' over blank lines
        // reserved 6.6 GB for a 20-byte file).
        if (slots * (2L * dims + 2) > 2 * fileLength + (1 << 20))
            throw FileError.Line(file, 1, $"{expectation} {dims} values a row; {slots} lines of them are far more than a {fileLength}-byte file can hold");
        long firstDataLine = expectHeader ? 2 : 1;

        var data = sink.Reserve<float>(slots * dims);
        var keys = new string?[slots];
        var failures = new (long Line, Exception Error)?[chunks.Length];
        Parallel.For(0, chunks.Length, c =>
        {
            var chunk = chunks[c];
            Stream source = handle is not null ? new RegionStream(handle, chunk.Offset, chunk.Length) : Positioned(stream, chunk.Offset);
            var reader = new LineReader(source, 64 * 1024);
            long line = chunk.FirstLine - 1;
            try
            {
                while (reader.TryReadLine(out var text))
                {
                    line = chunk.FirstLine + reader.LineNumber - 1;
                    long slot = line - firstDataLine;
                    if (text.Trim(" \t"u8).IsEmpty)
                        continue;
                    ParseLine(text, line, file, dims, expectation, data.Slice(slot * dims, dims), out var key);
                    keys[slot] = key;
                }
            }
            catch (InputException e)
            {
                failures[c] = (line, e);
            }
        });
        if (failures.Where(f => f is not null).OrderBy(f => f!.Value.Line).FirstOrDefault() is { } failure)
            ExceptionDispatchInfo.Capture(failure.Error).Throw();

        // Close up the rows in order: blank lines leave no row, a repeated key keeps the first.
        var seen = new HashSet<string>((int)Math.Min(slots, 1 << 24), StringComparer.Ordinal);
        int rows = 0, duplicates = 0, present = 0;
        string? firstDuplicate = null;
        long firstDuplicateLine = 0;
        for (long slot = 0; slot < slots; slot++)
        {
            var key = keys[slot];
            if (key is null)
                continue;
            if (++present > declaredRows && declaredRows >= 0)
                throw FileError.Line(file, slot + firstDataLine, $"the header declares {declaredRows} rows but more follow");
            if (!seen.Add(key))
            {
                duplicates++;
                if (firstDuplicate is null)
                    (firstDuplicate, firstDuplicateLine) = (key, slot + firstDataLine);
                continue;
            }
            if (rows != slot)
            {
                data.Slice(slot * dims, dims).CopyTo(data.Slice((long)rows * dims, dims));
                keys[rows] = key;
            }
            rows++;
        }
        long lastLine = firstDataLine + chunks.Sum(c => c.Lines) - 1;
        if (declaredRows >= 0 && present != declaredRows)
            throw FileError.Line(file, Math.Max(1, lastLine), $"the header declares {declaredRows} rows but the file has {present}");
        if (rows == 0)
            throw FileError.Line(file, Math.Max(1, lastLine), "the file holds no vectors");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}' on line {firstDuplicateLine})");
        var finalKeys = new string[rows];
        Array.Copy(keys, finalKeys, rows);
        return sink.Complete<float>(rows, dims, finalKeys);
    }

    static Stream Positioned(Stream stream, long offset)
    {
        stream.Position = offset;
        return stream;
    }

    static void ParseLine(ReadOnlySpan<byte> line, long lineNumber, string file, int dims, string expectation, Span<float> row, out string key)
    {
        int pos = 0;
        Tokens.Next(line, ref pos, out int ks, out int kl);
        key = Tokens.Key(line.Slice(ks, kl), file, $"line {lineNumber}");
        int column = 0;
        while (Tokens.Next(line, ref pos, out int ts, out int tl))
        {
            if (column == dims)
                throw FileError.Line(file, lineNumber, $"{Tokens.Count(line) - 1} values, expected {dims} (as {expectation})");
            var token = line.Slice(ts, tl);
            if (!Tokens.TryParse(token, out float value))
                throw FileError.Line(file, lineNumber, column + 2, $"expected a number, found '{Tokens.Show(token)}'");
            if (!float.IsFinite(value))
                throw FileError.Line(file, lineNumber, column + 2, $"{Tokens.Message(value)} is not a valid vector value");
            row[column++] = value;
        }
        if (column != dims)
            throw FileError.Line(file, lineNumber, $"{column} values, expected {dims} (as {expectation})");
    }
}
