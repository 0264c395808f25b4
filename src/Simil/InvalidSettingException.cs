namespace Simil;

/// <summary>
/// A setting or argument that is out of range or does not apply — a property of an options type
/// (<see cref="SearchOptions"/>, <see cref="IndexBuildOptions"/>) or a parameter such as a model
/// name: <see cref="Setting"/> names it as the library does, <see cref="Reason"/> says why, so a
/// program can point at its own name for it (the command-line tool names its flag). The library
/// never names a flag itself.
/// </summary>
public sealed class InvalidSettingException : ArgumentException
{
    /// <summary>Creates the error for <paramref name="setting"/>.</summary>
    public InvalidSettingException(string setting, string reason)
        : base($"{setting}: {reason}", setting)
    {
        Setting = setting;
        Reason = reason;
    }

    /// <summary>Creates an error with no setting named.</summary>
    public InvalidSettingException() => (Setting, Reason) = ("", "");

    /// <summary>Creates an error with a message.</summary>
    public InvalidSettingException(string message) : base(message) => (Setting, Reason) = ("", message);

    /// <summary>Creates an error with a message and its cause.</summary>
    public InvalidSettingException(string message, Exception innerException) : base(message, innerException) => (Setting, Reason) = ("", message);

    /// <summary>The setting's property name (or the parameter's name).</summary>
    public string Setting { get; }

    /// <summary>Why it is refused.</summary>
    public string Reason { get; }
}
