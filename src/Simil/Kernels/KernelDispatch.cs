using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// Chooses the kernel width once per process: the widest the hardware accelerates, or a narrower
/// one named by the <c>SIMIL_KERNEL</c> environment variable (<c>scalar</c>, <c>vector128</c>,
/// <c>vector256</c>, <c>vector512</c>) so that every path can be tested on one machine.
/// A request wider than the hardware allows gets the widest available. An unknown name is bad
/// input (<see cref="InputException"/>, inside the TypeInitializationException of the first kernel call).
/// </summary>
static class KernelDispatch
{
    /// <summary>The environment variable that forces a narrower path.</summary>
    public const string EnvironmentVariable = "SIMIL_KERNEL";

    /// <summary>
    /// The path in use. A static readonly field, so the JIT folds every switch on it into the one
    /// branch taken: dispatch costs nothing per call.
    /// </summary>
    public static readonly KernelPath Active = Select(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// The CPU features kernels may use: those detected, narrowed to <see cref="Active"/>. Also a
    /// static readonly field, so a kernel's test of a feature folds to a constant.
    /// </summary>
    public static readonly KernelCapabilities Capabilities = CapabilityDetection.Narrow(CapabilityDetection.Detect(), Active);

    /// <summary>The widest path this hardware accelerates.</summary>
    public static KernelPath Widest =>
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    internal static KernelPath Select(string? forced)
    {
        var widest = Widest;
        if (string.IsNullOrWhiteSpace(forced))
            return widest;
        if (!Enum.TryParse<KernelPath>(forced.Trim(), ignoreCase: true, out var requested) || !Enum.IsDefined(requested))
            throw new InputException(
                $"{EnvironmentVariable}='{forced}' is not a kernel path; use scalar, vector128, vector256 or vector512 (or unset it)");
        return requested < widest ? requested : widest;
    }
}
