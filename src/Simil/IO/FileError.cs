namespace Simil.IO;

/// <summary>Builders of the one-line errors that readers throw: the file, the place, what was expected (a <see cref="FileFormatException"/>).</summary>
static class FileError
{
    public static FileFormatException At(string file, string place, string message) => new(file, place, message);

    public static FileFormatException Line(string file, long line, string message, string? setting = null) => new(file, $"line {line}", message, line: line, setting: setting);

    public static FileFormatException Line(string file, long line, int column, string message, string? setting = null) => new(file, $"line {line}, column {column}", message, line: line, setting: setting);

    public static FileFormatException Byte(string file, long offset, string message, string? section = null, string? setting = null) => new(file, $"byte {offset}", message, section, offset, setting: setting);

    /// <summary>A fault inside an index file section whose byte offset is not known.</summary>
    public static FileFormatException Section(string file, string section, string message) => new(file, $"section {section}", message, section);

    /// <summary>A fault of the file as a whole (no one place).</summary>
    public static FileFormatException Whole(string file, string message) => new(file, "", message);

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
