using System.Diagnostics;
using System.Reflection;
using Simil.Kernels;

namespace Simil.Tests;

/// <summary>
/// Reruns the kernel tests (trait Category=Kernel) in a child process with a hardware path
/// switched off, and checks in the child that the expected narrower path really ran. The test
/// assembly is an xUnit v3 executable, so the child is this very assembly.
/// </summary>
public sealed class KernelPathTests
{
    internal const string ExpectVariable = "SIMIL_EXPECT_KERNEL";

    public static TheoryData<string, string, KernelPath> Configurations() => new()
    {
        { "DOTNET_EnableAVX512", "0", KernelPath.Vector256 },
        { "DOTNET_EnableAVX2", "0", KernelPath.Vector128 },
        { "DOTNET_EnableHWIntrinsic", "0", KernelPath.Scalar },
        { KernelDispatch.EnvironmentVariable, "vector128", KernelPath.Vector128 },
        { KernelDispatch.EnvironmentVariable, "scalar", KernelPath.Scalar },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Kernel_tests_pass_on_a_forced_path(string variable, string value, KernelPath path)
    {
        // A path wider than this machine has cannot be forced; the narrowest of the two runs.
        var expected = path < KernelDispatch.Widest ? path : KernelDispatch.Widest;
        var assembly = Assembly.GetExecutingAssembly().Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", assembly, "-trait", "Category=Kernel", "-noColor" })
            start.ArgumentList.Add(arg);
        start.Environment[variable] = value;
        start.Environment[ExpectVariable] = expected.ToString();

        using var child = Process.Start(start)!;
        var token = TestContext.Current.CancellationToken;
        var stderr = child.StandardError.ReadToEndAsync(token);
        var stdout = await child.StandardOutput.ReadToEndAsync(token);
        await child.WaitForExitAsync(token);

        Assert.True(child.ExitCode == 0, $"child with {variable}={value} failed ({child.ExitCode}):\n{stdout}\n{await stderr}");
        // The child must have run the tests, not found none.
        Assert.Matches(@"Total: [1-9]\d*, Errors: 0, Failed: 0, Skipped: 0", stdout);
    }

    [Fact]
    public void An_unknown_forced_path_is_an_error()
    {
        var e = Assert.Throws<InputException>(() => KernelDispatch.Select("avx9000"));
        Assert.Contains("vector128", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forced_path_never_exceeds_the_hardware()
    {
        Assert.Equal(KernelDispatch.Widest, KernelDispatch.Select(null));
        Assert.Equal(KernelPath.Scalar, KernelDispatch.Select("scalar"));
        Assert.True(KernelDispatch.Select("vector512") <= KernelDispatch.Widest);
    }
}
