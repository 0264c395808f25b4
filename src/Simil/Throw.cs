using System.Diagnostics.CodeAnalysis;

namespace Simil;

/// <summary>Throw sites kept out of hot code so callers stay small and inlinable.</summary>
static class Throw
{
    [DoesNotReturn]
    public static void LengthMismatch(int a, int b) =>
        throw new ArgumentException($"vectors have different lengths: {a} and {b}; both must have the same number of dimensions");

    [DoesNotReturn]
    public static void ArgumentOutOfRange(string name, string message) =>
        throw new ArgumentOutOfRangeException(name, message);

    [DoesNotReturn]
    public static void Argument(string name, string message) =>
        throw new ArgumentException(message, name);
}
