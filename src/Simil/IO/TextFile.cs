namespace Simil.IO;

/// <summary>Small text files read whole (pair and analogy lists), with the reader's error for a missing file.</summary>
static class TextFile
{
    public static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileError.Opening(path, e);
        }
    }
}
