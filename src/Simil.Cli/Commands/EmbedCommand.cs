using System.CommandLine;
using System.Diagnostics;
using Simil.Cli.Rendering;
using Simil.Embeddings;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil embed INPUT --out FILE</c>: texts to vectors with the local model.</summary>
static class EmbedCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Texts to embed: one a line, or JSON Lines with a \"text\" field; - reads standard input." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the vectors; - writes to standard output.", Required = true };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "The output format (default: from the --out extension, jsonl for standard output; another extension needs --format): npy, txt, csv, tsv, jsonl, word2vec, word2vec-binary.",
        };
        var inputFormat = new Option<string?>("--input-format") { Description = "The input's format when content and extension do not say (lines or jsonl)." };
        var model = ModelOption.Create();
        var chunk = ModelOption.Chunk();
        var overlap = ModelOption.Overlap();
        var command = new Command("embed", "Embed texts with the local model (all-MiniLM-L6-v2) and write the vectors; the texts are the keys where the format has keys.")
        {
            input, output, format, inputFormat, model, chunk, overlap,
        };
        command.SetAction((parse, token) => Task.FromResult(Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(format),
            parse.GetValue(inputFormat), parse.GetValue(model)!, parse.GetValue(chunk), parse.GetValue(overlap), token)));
        return command;
    }

    static int Run(string input, string output, string? formatName, string? inputFormat, string model, int? chunk, int overlap, CancellationToken token)
    {
        _ = EmbeddingModels.Dimensions(model);   // an unknown model is bad input before any file is read
        var format = formatName is not null ? VectorFileFormats.Parse(formatName, "--format")
            : output == "-" ? VectorFileFormat.JsonLines
            : VectorFileWriter.FromExtension(output) ?? throw new InputException("--out", $"cannot tell the format from '{Path.GetFileName(output)}'; give --format");
        if (!VectorFileWriter.Writable.Contains(format))
            throw new InputException("--format", $"vectors cannot be written as {format.Name()}");
        // Texts are lines unless the file says JSON Lines or CSV/TSV (with a header naming a text
        // column): a line of numbers is still a text here.
        var inputKind = inputFormat is not null ? VectorFileFormats.Parse(inputFormat, "--input-format")
            : Path.GetExtension(input).ToLowerInvariant() switch
            {
                ".jsonl" or ".ndjson" => VectorFileFormat.JsonLines,
                ".csv" => VectorFileFormat.Csv,
                ".tsv" => VectorFileFormat.Tsv,
                _ => VectorFileFormat.PlainText,
            };
        var options = new VectorReadOptions { Format = inputKind, IdField = KeyedVectors.Fields.Id, TextField = KeyedVectors.Fields.Text };
        var content = VectorFile.Read(input, options);
        using var generator = Models.Create(model);
        if (content.Texts is not null)
            content = ModelOption.Chunked(content, chunk, overlap, () => generator, input);
        var texts = content.Texts ?? throw new InputException(input, inputKind is VectorFileFormat.Csv or VectorFileFormat.Tsv
            ? "holds no text column, so its rows are vectors; name the column of texts in the header 'text', or give --text-field"
            : "holds vectors, not texts to embed");

        var clock = Stopwatch.StartNew();
        var matrix = Progress.Run($"embedding {texts.Count:N0} texts", texts.Count, "texts",
            progress => generator.EmbedMatrix(texts, progress, token));
        clock.Stop();
        if (content.TextIds is { } ids)
            matrix = matrix.WithKeys(ids);

        var keys = content.TextKeys!;
        if (format is VectorFileFormat.Word2VecText or VectorFileFormat.Word2VecBinary && keys.Any(t => t.AsSpan().IndexOfAny(" \t") >= 0))
        {
            // word2vec keys end at the first space: join each key's words with '_', as phrase vectors do.
            matrix = matrix.WithKeys([.. keys.Select(t => string.Join('_', t.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))]);
            Console.Error.WriteLine("simil: warning: word2vec keys cannot hold spaces; the words of each text are joined with '_'");
        }
        if (output == "-")
        {
            using var stdout = Console.OpenStandardOutput();
            VectorFileWriter.Write(stdout, matrix, format, Fields(content));
        }
        else
            VectorFileWriter.Write(output, matrix, format, Fields(content));
        if (!Console.IsErrorRedirected)
            Console.Error.WriteLine($"embedded {texts.Count:N0} texts in {clock.Elapsed.TotalSeconds:F1} s ({texts.Count / clock.Elapsed.TotalSeconds:N0} texts/s) into {output} ({format.Name()})");
        return Cli.Ok;
    }

    /// <summary>
    /// What JSON Lines output keeps of each input row besides its id and vector: its text when the
    /// id is not the text, and every other field it had.
    /// </summary>
    static List<string>? Fields(VectorFileContent content)
    {
        if (content.TextIds is null && content.Fields is null)
            return null;
        var rows = new List<string>(content.Texts!.Count);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var options = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        for (int r = 0; r < content.Texts.Count; r++)
        {
            buffer.Clear();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, options))
            {
                writer.WriteStartObject();
                if (content.TextIds is not null)
                    writer.WriteString("text", content.Texts[r]);
                if (content.Fields is { } fields)
                {
                    using var other = System.Text.Json.JsonDocument.Parse(fields[r]);
                    foreach (var property in other.RootElement.EnumerateObject())
                        if (property.Name != "text")
                            property.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            rows.Add(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        return rows;
    }
}
