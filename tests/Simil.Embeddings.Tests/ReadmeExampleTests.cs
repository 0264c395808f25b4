using Simil.Testing;
using System.Text;

namespace Simil.Embeddings.Tests;

/// <summary>
/// The README's C# example is the body of <see cref="Example"/>: this test runs it, and checks
/// that the README shows exactly this code and exactly the output it printed.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ReadmeExampleTests
{
    static async Task Example()
    {
        // README-BEGIN
        using var model = new MiniLmEmbeddingGenerator();   // all-MiniLM-L6-v2, local, no network
        var embeddings = await model.GenerateAsync(["king", "queen", "banana"]);
        ReadOnlySpan<float> king = embeddings[0].Vector.Span;
        ReadOnlySpan<float> queen = embeddings[1].Vector.Span;
        ReadOnlySpan<float> banana = embeddings[2].Vector.Span;

        Console.WriteLine($"cosine(king, queen)  = {Similarity.Cosine(king, queen):F4}");
        Console.WriteLine($"cosine(king, banana) = {Similarity.Cosine(king, banana):F4}");
        Console.WriteLine($"dot(king, queen)     = {Similarity.Dot(king, queen):F4}");
        Console.WriteLine($"l2sq(king, queen)    = {Similarity.L2Squared(king, queen):F4}");
        // README-END
    }

    [Fact]
    public async Task The_readme_shows_this_example_and_its_real_output()
    {
        var original = Console.Out;
        var output = new StringWriter { NewLine = "\n" };
        Console.SetOut(output);
        try
        {
            await Example();
        }
        finally
        {
            Console.SetOut(original);
        }

        var readme = File.ReadAllText(Repository.Path("README.md"));
        Assert.Contains(ExampleSource(), readme, StringComparison.Ordinal);
        Assert.Contains("```text\n" + output + "```", readme, StringComparison.Ordinal);
    }

    static string ExampleSource()
    {
        var lines = File.ReadAllLines(Repository.Path("tests", "Simil.Embeddings.Tests", "ReadmeExampleTests.cs"));
        int begin = Array.FindIndex(lines, l => l.Trim() == "// README-BEGIN");
        int end = Array.FindIndex(lines, l => l.Trim() == "// README-END");
        var body = new StringBuilder();
        foreach (var line in lines[(begin + 1)..end])
            body.Append(line.Length >= 8 ? line[8..] : line.TrimStart()).Append('\n');
        return body.ToString();
    }

}

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
