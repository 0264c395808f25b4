using System.Runtime.CompilerServices;

namespace Simil.Cli.Tests;

/// <summary>Paths of the public test data in ../shared/data (beside the repository).</summary>
static class SharedData
{
    public static string Path(string relative) => System.IO.Path.Combine(Root(), relative);

    static string Root([CallerFilePath] string self = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(self)!, "..", "..", "..", "shared", "data"));
}
