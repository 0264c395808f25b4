using System.Text.Encodings.Web;
using System.Text.Json;

namespace Simil.Cli.Rendering;

/// <summary>One JSON document (or one JSON line) on standard output: UTF-8, non-ASCII text as is, a newline after it.</summary>
static class JsonOutput
{
    public static void Write(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        stdout.Write("\n"u8);
    }
}
