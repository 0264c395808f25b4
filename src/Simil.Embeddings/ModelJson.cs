using System.Text.Json;

namespace Simil.Embeddings;

/// <summary>A model folder's JSON files, read with one error: the file named, the parser's place given.</summary>
static class ModelJson
{
    /// <summary>The parsed file (the caller disposes it).</summary>
    /// <exception cref="InputException">The file is not valid JSON.</exception>
    public static JsonDocument Read(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InputException(path, $"is not valid JSON: {e.Message}");
        }
    }
}
