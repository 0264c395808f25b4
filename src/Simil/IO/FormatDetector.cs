namespace Simil.IO;

/// <summary>
/// Recognises a vector file's format from its first bytes, with the extension deciding only where
/// the content is ambiguous (a <c>.csv</c> of one column looks like any text matrix).
/// </summary>
static class FormatDetector
{
    public const int HeadLength = 64 * 1024;

    public static VectorFileFormat Detect(ReadOnlySpan<byte> head, string file)
    {
        string extension = Path.GetExtension(file).ToLowerInvariant();
        if (NpyReader.LooksLike(head))
            return VectorFileFormat.Npy;
        switch (extension)
        {
            case ".npy": return VectorFileFormat.Npy;
            case ".fvecs": return VectorFileFormat.Fvecs;
            case ".jsonl" or ".ndjson": return VectorFileFormat.JsonLines;
            case ".csv": return VectorFileFormat.Csv;
            case ".tsv": return VectorFileFormat.Tsv;
        }
        if (head.IsEmpty)
            return extension == ".bin" ? VectorFileFormat.Word2VecBinary : VectorFileFormat.PlainText;
        if (head.IndexOf((byte)0) >= 0 && !LooksLikeWordVectorHeader(FirstLine(head)))
            return VectorFileFormat.Fvecs;

        var first = FirstLine(head);
        if (LooksLikeWordVectorHeader(first))
        {
            // After the header, binary records hold raw float bytes; text records start with a key.
            // A header-like line followed by numbers (or by nothing) is a numeric matrix instead.
            var rest = head[Math.Min(head.Length, first.Length + 1)..];
            bool binary = rest.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || rest.IndexOfAnyInRange((byte)14, (byte)31) >= 0
                          || extension == ".bin";
            if (binary)
                return VectorFileFormat.Word2VecBinary;
            var second = FirstDataLine(rest);
            int pos = 0;
            if (Tokens.Next(second, ref pos, out int s, out int l) && !Tokens.IsNumber(second.Slice(s, l)))
                return VectorFileFormat.Word2VecText;
        }
        var trimmed = first.TrimStart(" \t\r\uFEFF"u8);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'{')
            return VectorFileFormat.JsonLines;
        first = FirstDataLine(head);
        if (AllNumbers(first, ','))
            return VectorFileFormat.Csv;
        if (first.IndexOf((byte)'\t') >= 0 && AllNumbers(first, '\t'))
            return VectorFileFormat.Tsv;
        if (AllNumbers(first, ' '))
            return VectorFileFormat.Text;
        if (LooksLikeKeyAndNumbers(first))
            return VectorFileFormat.GloVe;
        return VectorFileFormat.PlainText;
    }

    static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> head)
    {
        int newline = head.IndexOf((byte)'\n');
        var line = newline >= 0 ? head[..newline] : head;
        return line.TrimEnd((byte)'\r');
    }

    /// <summary>The first line that is neither blank nor a <c>#</c> comment.</summary>
    static ReadOnlySpan<byte> FirstDataLine(ReadOnlySpan<byte> head)
    {
        while (!head.IsEmpty)
        {
            int newline = head.IndexOf((byte)'\n');
            var line = (newline >= 0 ? head[..newline] : head).TrimEnd((byte)'\r');
            var content = line.TrimStart(" \t"u8);
            if (!content.IsEmpty && content[0] != (byte)'#')
                return line;
            if (newline < 0)
                break;
            head = head[(newline + 1)..];
        }
        return default;
    }

    /// <summary>"count dimensions": exactly two non-negative integers.</summary>
    static bool LooksLikeWordVectorHeader(ReadOnlySpan<byte> line)
    {
        int pos = 0;
        return Tokens.Next(line, ref pos, out int s0, out int l0) && Tokens.Next(line, ref pos, out int s1, out int l1)
            && !Tokens.Next(line, ref pos, out _, out _)
            && long.TryParse(line.Slice(s0, l0), out long a) && a >= 0 && int.TryParse(line.Slice(s1, l1), out int b) && b > 0;
    }

    static bool AllNumbers(ReadOnlySpan<byte> line, char delimiter)
    {
        int hash = line.IndexOf((byte)'#');
        if (hash >= 0)
            line = line[..hash];
        if (line.Trim(" \t"u8).IsEmpty)
            return false;
        if (delimiter == ' ')
        {
            int pos = 0, n = 0;
            while (Tokens.Next(line, ref pos, out int s, out int l))
            {
                if (!Tokens.IsNumber(line.Slice(s, l)))
                    return false;
                n++;
            }
            return n > 0;
        }
        if (line.IndexOf((byte)delimiter) < 0)
            return false;
        foreach (var range in line.Split((byte)delimiter))
            if (!Tokens.IsNumber(line[range].Trim(" \t"u8)))
                return false;
        return true;
    }

    /// <summary>A key followed by at least one number, all numbers after it (GloVe).</summary>
    static bool LooksLikeKeyAndNumbers(ReadOnlySpan<byte> line)
    {
        int pos = 0, numbers = 0;
        if (!Tokens.Next(line, ref pos, out _, out _))
            return false;
        while (Tokens.Next(line, ref pos, out int s, out int l))
        {
            if (!Tokens.IsNumber(line.Slice(s, l)))
                return false;
            numbers++;
        }
        return numbers > 0;
    }
}
