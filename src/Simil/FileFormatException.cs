namespace Simil;

/// <summary>
/// A file that is not valid in its format: <see cref="File"/> names it, <see cref="Place"/> says
/// where in words (<c>byte 24</c>, <c>line 3, column 2</c>, <c>section KHSH</c>), and
/// <see cref="Section"/>, <see cref="Offset"/> and <see cref="Line"/> carry the same place as
/// values where they are known, so a program can point at it without parsing the message. The
/// message is the one line the command-line tool prints: <c>file: place: what is wrong</c>.
/// </summary>
public sealed class FileFormatException : InputException
{
    /// <summary>Creates the error for <paramref name="file"/> at <paramref name="place"/> (empty when the whole file is meant).</summary>
    public FileFormatException(string file, string place, string detail, string? section = null, long? offset = null, long? line = null, string? setting = null)
        : base(file, place.Length == 0 ? detail : $"{place}: {detail}")
    {
        Setting = setting;
        File = file;
        Place = place;
        Detail = detail;
        Section = section;
        Offset = offset;
        Line = line;
    }

    /// <summary>Creates an error with no place.</summary>
    public FileFormatException() => (File, Place, Detail) = ("", "", "");

    /// <summary>Creates an error with a complete message.</summary>
    public FileFormatException(string message) : base(message) => (File, Place, Detail) = ("", "", message);

    /// <summary>Creates an error with a complete message and its cause.</summary>
    public FileFormatException(string message, Exception innerException) : base(message, innerException) => (File, Place, Detail) = ("", "", message);

    /// <summary>The file (as it was named to the reader).</summary>
    public string File { get; }

    /// <summary>Where in the file, in words; empty when the fault is the file as a whole.</summary>
    public string Place { get; }

    /// <summary>What is wrong there.</summary>
    public string Detail { get; }

    /// <summary>The index file section (<c>VECS</c>, <c>KHSH</c>, <c>header</c>…) the fault is in, where the file has sections.</summary>
    public string? Section { get; }

    /// <summary>The byte offset of the fault from the start of the file, where known.</summary>
    public long? Offset { get; }

    /// <summary>The line (from 1) of a text file, where known.</summary>
    public long? Line { get; }

    /// <summary>
    /// The read setting that would read the file otherwise (a property of
    /// <see cref="IO.VectorReadOptions"/>, such as <c>TextField</c>), where the message suggests one;
    /// the message names it in words and a program adds its own name for it.
    /// </summary>
    public string? Setting { get; }
}
