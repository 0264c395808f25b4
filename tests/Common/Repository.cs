namespace Simil.Testing;

/// <summary>
/// Where the repository and the shared data beside it are, found from the test binary's own
/// folder (tests/X/bin/Release/net10.0) by walking up to the folder holding Simil.slnx. Not from
/// [CallerFilePath]: a CI build (CI=true, ContinuousIntegrationBuild) maps source paths to /_/.
/// </summary>
static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside the repository.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A path inside ../shared/data, the public test data beside the repository.</summary>
    public static string SharedData(params string[] parts) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine([Root, "..", "shared", "data", .. parts]));

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Simil.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no Simil.slnx above {AppContext.BaseDirectory}: the tests run from inside the repository");
    }
}
