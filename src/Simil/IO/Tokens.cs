using System.Numerics;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Simil.IO;

/// <summary>Splitting and number parsing over UTF-8 bytes, shared by the text readers.</summary>
static class Tokens
{
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>The next token separated by spaces or tabs, starting the search at <paramref name="pos"/>; false at the end.</summary>
    public static bool Next(ReadOnlySpan<byte> line, ref int pos, out int start, out int length)
    {
        int i = pos;
        while (i < line.Length && IsSpace(line[i]))
            i++;
        start = i;
        while (i < line.Length && !IsSpace(line[i]))
            i++;
        length = i - start;
        pos = i;
        return length > 0;
    }

    /// <summary>Counts the tokens separated by spaces or tabs.</summary>
    public static int Count(ReadOnlySpan<byte> line)
    {
        int pos = 0, n = 0;
        while (Next(line, ref pos, out _, out _))
            n++;
        return n;
    }

    /// <summary>A float32 or float64 number parsed directly in its own type, or a NaN/infinity spelling (so it can be refused by name).</summary>
    public static bool TryParse<T>(ReadOnlySpan<byte> token, out T value) where T : IFloatingPointIeee754<T>
    {
        if (T.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value!))
            return true;
        if (!TryParseNonFinite(token, out double special))
            return false;
        value = T.CreateSaturating(special);
        return true;
    }

    /// <summary>The spellings of NaN and infinity that NumPy and C write (nan, inf, -inf, …), so they can be refused by name.</summary>
    static bool TryParseNonFinite(ReadOnlySpan<byte> token, out double value)
    {
        var body = token.Length > 0 && token[0] is (byte)'+' or (byte)'-' ? token[1..] : token;
        bool negative = token.Length > 0 && token[0] == (byte)'-';
        if (Ascii.EqualsIgnoreCase(body, "nan"u8))
            value = double.NaN;
        else if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        else
        {
            value = 0;
            return false;
        }
        return true;
    }

    public static bool IsNumber(ReadOnlySpan<byte> token) => TryParse<double>(token, out _);

    /// <summary>Decodes a key, refusing invalid UTF-8 with the place it occurs.</summary>
    public static string Key(ReadOnlySpan<byte> bytes, string file, string place)
    {
        if (!Utf8.IsValid(bytes))
            throw FileError.At(file, place, "the key is not valid UTF-8");
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A short, printable form of a token for an error message.</summary>
    public static string Show(ReadOnlySpan<byte> token)
    {
        var text = Utf8.IsValid(token) ? System.Text.Encoding.UTF8.GetString(token) : Convert.ToHexString(token);
        return text.Length <= 24 ? text : text[..21] + "…";
    }

    /// <summary>Counts the line ends in a seekable stream (an upper bound on rows), then rewinds it.</summary>
    public static long CountLines(Stream stream)
    {
        long start = stream.Position, lines = 0;
        var buffer = new byte[64 * 1024];
        int read, last = '\n';
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        stream.Position = start;
        return last == '\n' ? lines : lines + 1;
    }

    public static string Message(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
}
