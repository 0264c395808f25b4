using System.Text.Unicode;

namespace Simil.IO;

/// <summary>Plain text: one text a line (blank lines skipped), to be embedded by a model.</summary>
static class PlainTextReader
{
    public static List<string> Read(Stream stream, string file)
    {
        var reader = new LineReader(stream);
        var texts = new List<string>();
        while (reader.TryReadLine(out var line))
        {
            if (!Utf8.IsValid(line))
            {
                int valid = 0;
                Utf8.ToUtf16(line, new char[line.Length], out valid, out _, replaceInvalidSequences: false);
                throw FileError.Line(file, reader.LineNumber, $"invalid UTF-8 at byte {reader.LineOffset + valid} of the file");
            }
            var text = System.Text.Encoding.UTF8.GetString(line).Trim();
            if (text.Length > 0)
                texts.Add(text);
        }
        if (texts.Count == 0)
            throw FileError.Line(file, Math.Max(1, reader.LineNumber), "the file holds no text");
        return texts;
    }
}
