namespace Simil.IO;

/// <summary>Builders of the one-line errors that readers throw: the file, the place, what was expected.</summary>
static class FileError
{
    public static InputException At(string file, string place, string message) => new(file, $"{place}: {message}");

    public static InputException Line(string file, long line, string message) => At(file, $"line {line}", message);

    public static InputException Line(string file, long line, int column, string message) => At(file, $"line {line}, column {column}", message);

    public static InputException Byte(string file, long offset, string message) => At(file, $"byte {offset}", message);

    /// <summary>Why <paramref name="path"/> could not be opened, in words: a directory, missing, not permitted, or the system's reason.</summary>
    public static InputException Opening(string path, Exception e) => new(path,
        Directory.Exists(path) ? "is a directory, not a file"
        : e is FileNotFoundException or DirectoryNotFoundException ? "no such file"
        : e is UnauthorizedAccessException ? "permission denied"
        : e.Message);

    /// <summary>Refuses <paramref name="rows"/> × <paramref name="dimensions"/> values that <paramref name="sink"/> cannot hold, or more rows than a matrix counts.</summary>
    public static void CheckFits(string file, string place, long rows, long dimensions, Storage.VectorSink sink)
    {
        if (rows > int.MaxValue)
            throw At(file, place, $"{rows} rows are more than one matrix can hold ({int.MaxValue})");
        if (rows * dimensions > sink.MaxElements)
            throw At(file, place, $"{rows} rows × {dimensions} dimensions is more values than one matrix can hold ({sink.MaxElements}); the command-line tool reads any size");
    }
}
