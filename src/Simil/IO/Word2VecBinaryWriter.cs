using System.Runtime.InteropServices;
using System.Text;

namespace Simil.IO;

/// <summary>word2vec binary as the original C tool writes it: header line, then <c>key␠</c>, the float32 values and a newline per vector.</summary>
static class Word2VecBinaryWriter
{
    public static void Write(Stream output, EmbeddingMatrix matrix)
    {
        var keys = TextWriters.KeysForWord2Vec(matrix);
        output.Write(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{matrix.Count} {matrix.Dimensions}\n")));
        for (int r = 0; r < matrix.Count; r++)
        {
            output.Write(Encoding.UTF8.GetBytes(keys[r]));
            output.WriteByte((byte)' ');
            output.Write(MemoryMarshal.AsBytes(matrix[r]));
            output.WriteByte((byte)'\n');
        }
    }
}
