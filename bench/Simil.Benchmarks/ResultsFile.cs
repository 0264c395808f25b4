using System.Text;
using Simil.IO;

namespace Simil.Benchmarks;

/// <summary>Writes a results file as every file Simil writes: a temporary file, flushed, then moved (a killed run leaves the old results).</summary>
static class ResultsFile
{
    public static void Write(string path, string markdown) =>
        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(markdown)));
}
