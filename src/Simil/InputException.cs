namespace Simil;

/// <summary>
/// Bad input from a user: an unparsable vector, a malformed file, vectors of different lengths.
/// The message names the input and the place (line, column, row or byte offset) and says what
/// was expected, so it can be shown to the user as it is.
/// </summary>
public class InputException : Exception
{
    /// <summary>Creates an error about <paramref name="input"/> (a file name or an argument name).</summary>
    public InputException(string input, string message)
        : base($"{input}: {message}")
    {
        Input = input;
    }

    /// <summary>Creates an error with a complete message.</summary>
    public InputException(string message) : base(message) => Input = "";

    /// <summary>Creates an error with a complete message and its cause.</summary>
    public InputException(string message, Exception innerException) : base(message, innerException) => Input = "";

    /// <summary>Creates an error with no message.</summary>
    public InputException() => Input = "";

    /// <summary>The file or argument that was bad.</summary>
    public string Input { get; }
}
