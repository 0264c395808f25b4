using System.Runtime.CompilerServices;

namespace Simil.Tests.IO;

/// <summary>Paths of the public test data in ../shared/data.</summary>
static class SharedData
{
    public static string Path(string relative, [CallerFilePath] string source = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "..", "..", "..", "..", "shared", "data", relative));
}
