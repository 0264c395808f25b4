using System.Diagnostics;

namespace Simil.Cli.Tests;

/// <summary>What a run of the tool gave back.</summary>
sealed record RunResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs <c>simil</c> in its own process, as a user would, with output redirected.</summary>
static class SimilProcess
{
    static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "simil.dll");
    static readonly string s_cache = Directory.CreateTempSubdirectory("simil-test-cache-").FullName;

    public static Task<RunResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Starts the tool without waiting for it (to kill it mid-run), output redirected.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(s_dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["SIMIL_CACHE"] = s_cache;
        return Process.Start(start)!;
    }

    /// <summary>Runs the tool in <paramref name="folder"/> (relative paths are read and written there).</summary>
    public static Task<RunResult> RunInAsync(string folder, params string[] args) => RunAsync(new Dictionary<string, string>(), args, folder);

    /// <summary>Runs the tool with these environment variables set.</summary>
    public static Task<RunResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => RunAsync(environment, args, null);

    /// <summary>
    /// Runs the tool where no file it writes may grow past <paramref name="kibibytes"/> KiB (the
    /// shell's <c>ulimit -f</c>, SIGXFSZ ignored so that a write past it fails with EFBIG as a full
    /// disk fails with ENOSPC): how the tests fill the disk without a disk to fill. The runtime's
    /// W^X double mapping (memory files that the limit would also refuse) is turned off.
    /// </summary>
    public static Task<RunResult> RunWithFileLimitAsync(long kibibytes, params string[] args) =>
        RunAsync(new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
            ["-c", "trap '' XFSZ; ulimit -f \"$0\"; exec dotnet exec \"$@\"", kibibytes.ToString(System.Globalization.CultureInfo.InvariantCulture), s_dll, .. args],
            null, "bash");

    static async Task<RunResult> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args, string? folder, string? program = null)
    {
        var start = new ProcessStartInfo(program ?? "dotnet")
        {
            WorkingDirectory = folder ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (program is null)
        {
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(s_dll);
        }
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // The tool remembers verified index files under its cache folder: the tests keep their own.
        start.Environment["SIMIL_CACHE"] = s_cache;
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var token = TestContext.Current.CancellationToken;
        var stderr = process.StandardError.ReadToEndAsync(token);
        var stdout = await process.StandardOutput.ReadToEndAsync(token);
        await process.WaitForExitAsync(token);
        return new RunResult(process.ExitCode, stdout, await stderr);
    }

    /// <summary>A failed run: the given exit code, nothing on stdout, one line on stderr and no stack trace.</summary>
    public static string AssertOneLineError(RunResult result, int exitCode)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("simil: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        return lines[0];
    }
}
