namespace Simil.Cli.Tests;

/// <summary>A folder of scratch files, deleted at the end of the test.</summary>
sealed class TempFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("simil-test-").FullName;

    public string Path(string name) => System.IO.Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        var path = Path(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
