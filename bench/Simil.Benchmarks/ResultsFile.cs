using System.Text;
using Simil.IO;

namespace Simil.Benchmarks;

/// <summary>
/// Results files: one per benchmark and CPU model (<c>bench/results/STEM-CPU.md</c>), so a run on
/// another machine adds a file instead of overwriting this one's; written as every file Simil
/// writes (a temporary file, flushed, then moved: a killed run leaves the old results).
/// </summary>
static class ResultsFile
{
    /// <summary>The CPU as a file-name part: "intel-xeon-processor-model-207", "amd-epyc-…-model-…".</summary>
    public static string CpuSlug()
    {
        var cpu = Machine.CpuName();
        var name = new string(cpu.Split(" (family")[0].Replace("(R)", "", StringComparison.Ordinal).Replace("(TM)", "", StringComparison.Ordinal)
            .Trim().ToLowerInvariant().Select(ch => char.IsLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
        var model = cpu.Contains("model ", StringComparison.Ordinal) ? "-model-" + cpu.Split("model ")[1].Split([',', ')'])[0].Trim() : "";
        return name + model;
    }

    /// <summary><c>REPOSITORY/bench/results/STEM-CPU.md</c>.</summary>
    public static string PathFor(string repository, string stem) => Path.Combine(repository, "bench", "results", $"{stem}-{CpuSlug()}.md");

    public static void Write(string path, string markdown) =>
        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(markdown)));
}
