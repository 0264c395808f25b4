namespace Simil.IO;

/// <summary>
/// Reads vectors from any supported file (<see cref="VectorFileFormat"/>), recognised by content
/// and extension unless a format is given. Every error is an <see cref="InputException"/> whose
/// message names the file and the place (line, column, row or byte offset).
/// </summary>
public static class VectorFile
{
    /// <summary>Reads <paramref name="path"/>; <c>-</c> reads standard input.</summary>
    /// <exception cref="InputException">The file cannot be read or is not valid in its format.</exception>
    public static VectorFileContent Read(string path, VectorReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new VectorReadOptions();
        if (path == "-")
        {
            // Standard input cannot be sniffed and rewound: buffer it.
            var buffer = new MemoryStream();
            Console.OpenStandardInput().CopyTo(buffer);
            buffer.Position = 0;
            return Read(buffer, "<stdin>", options);
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Opening(path, e);
        }
        using (stream)
            return Read(stream, path, options);
    }

    /// <summary>Reads a seekable <paramref name="stream"/>, calling it <paramref name="name"/> in messages.</summary>
    /// <exception cref="InputException">The data is not valid in its format.</exception>
    public static VectorFileContent Read(Stream stream, string name, VectorReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new VectorReadOptions();
        if (!stream.CanSeek)
            throw new ArgumentException("the stream must be seekable", nameof(stream));
        if (stream.Length - stream.Position == 0)
            throw FileError.Whole(name, "the file is empty");

        var format = options.Format ?? Sniff(stream, name);
        var warnings = new List<string>();
        var sink = options.Sink ?? (options.Map ? new Storage.AnySizeSink(options.MaxValues) : new Storage.ArraySink());
        try
        {
            EmbeddingMatrix? vectors = null;
            TextRows? texts = null;
            List<string>? vectorFields = null;
            switch (format)
            {
                case VectorFileFormat.Npy:
                    vectors = NpyReader.Read(stream, name, options.KeepFloat64, sink, map: options.Map);
                    break;
                case VectorFileFormat.NpyBFloat16:
                    vectors = NpyReader.Read(stream, name, options.KeepFloat64, sink, bfloat16: true, map: options.Map);
                    break;
                case VectorFileFormat.Text:
                    vectors = TextMatrixReader.Read(stream, name, ' ', options.KeepFloat64, sink);
                    break;
                case VectorFileFormat.Csv or VectorFileFormat.Tsv:
                    char delimiter = format == VectorFileFormat.Csv ? ',' : '\t';
                    // A header line makes a table: ids, texts and other columns by name.
                    if (options.IdField is not null || options.TextField is not null || DelimitedTableReader.HasHeader(stream, delimiter))
                        (vectors, texts, vectorFields) = DelimitedTableReader.Read(stream, name, delimiter, warnings, sink, options.IdField, options.TextField);
                    else
                        vectors = TextMatrixReader.Read(stream, name, delimiter, options.KeepFloat64, sink);
                    break;
                case VectorFileFormat.Word2VecText:
                    vectors = WordVectorTextReader.Read(stream, name, expectHeader: true, warnings, sink);
                    break;
                case VectorFileFormat.GloVe:
                    vectors = WordVectorTextReader.Read(stream, name, expectHeader: false, warnings, sink);
                    break;
                case VectorFileFormat.Word2VecBinary:
                    vectors = Word2VecBinaryReader.Read(stream, name, warnings, sink);
                    break;
                case VectorFileFormat.Fvecs:
                    vectors = FvecsReader.Read(stream, name, sink);
                    break;
                case VectorFileFormat.JsonLines:
                    (vectors, texts, vectorFields) = JsonLinesReader.Read(stream, name, warnings, sink, options.IdField, options.TextField);
                    break;
                case VectorFileFormat.PlainText:
                    texts = new TextRows(PlainTextReader.Read(stream, name));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), $"{format} is not a format");
            }
            if (vectors is { Count: 0 })
                throw FileError.Whole(name, "the file holds no vectors");
            return new VectorFileContent(format, vectors, texts, warnings, vectorFields);
        }
        catch (IOException e)
        {
            throw new InputException(name, $"cannot read: {e.Message}");
        }
        catch (OutOfMemoryException)
        {
            throw new InputException(name, "the file declares more data than fits in memory");
        }
    }

    static VectorFileFormat Sniff(Stream stream, string name)
    {
        long start = stream.Position;
        var head = new byte[(int)Math.Min(FormatDetector.HeadLength, stream.Length - start)];
        stream.ReadExactly(head);
        stream.Position = start;
        return FormatDetector.Detect(head, name);
    }
}
