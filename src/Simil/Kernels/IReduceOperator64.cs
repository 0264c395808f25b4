using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>One step of a float64 reduction (<c>acc += f(a, b)</c>) at every width; see <see cref="IReduceOperator"/>.</summary>
interface IReduceOperator64
{
    static abstract double Invoke(double acc, double a, double b);
    static abstract Vector128<double> Invoke(Vector128<double> acc, Vector128<double> a, Vector128<double> b);
    static abstract Vector256<double> Invoke(Vector256<double> acc, Vector256<double> a, Vector256<double> b);
    static abstract Vector512<double> Invoke(Vector512<double> acc, Vector512<double> a, Vector512<double> b);
}

/// <summary><c>acc + a·b</c> in float64.</summary>
readonly struct DotOperator64 : IReduceOperator64
{
    public static double Invoke(double acc, double a, double b) => acc + a * b;
    public static Vector128<double> Invoke(Vector128<double> acc, Vector128<double> a, Vector128<double> b) => Vector128.MultiplyAddEstimate(a, b, acc);
    public static Vector256<double> Invoke(Vector256<double> acc, Vector256<double> a, Vector256<double> b) => Vector256.MultiplyAddEstimate(a, b, acc);
    public static Vector512<double> Invoke(Vector512<double> acc, Vector512<double> a, Vector512<double> b) => Vector512.MultiplyAddEstimate(a, b, acc);
}

/// <summary><c>acc + (a−b)²</c> in float64.</summary>
readonly struct L2SquaredOperator64 : IReduceOperator64
{
    public static double Invoke(double acc, double a, double b) => acc + (a - b) * (a - b);
    public static Vector128<double> Invoke(Vector128<double> acc, Vector128<double> a, Vector128<double> b) => Vector128.MultiplyAddEstimate(a - b, a - b, acc);
    public static Vector256<double> Invoke(Vector256<double> acc, Vector256<double> a, Vector256<double> b) => Vector256.MultiplyAddEstimate(a - b, a - b, acc);
    public static Vector512<double> Invoke(Vector512<double> acc, Vector512<double> a, Vector512<double> b) => Vector512.MultiplyAddEstimate(a - b, a - b, acc);
}

/// <summary><c>acc + |a−b|</c> in float64.</summary>
readonly struct L1Operator64 : IReduceOperator64
{
    public static double Invoke(double acc, double a, double b) => acc + Math.Abs(a - b);
    public static Vector128<double> Invoke(Vector128<double> acc, Vector128<double> a, Vector128<double> b) => acc + Vector128.Abs(a - b);
    public static Vector256<double> Invoke(Vector256<double> acc, Vector256<double> a, Vector256<double> b) => acc + Vector256.Abs(a - b);
    public static Vector512<double> Invoke(Vector512<double> acc, Vector512<double> a, Vector512<double> b) => acc + Vector512.Abs(a - b);
}

/// <summary><c>acc + a²</c> (the second input is ignored) in float64.</summary>
readonly struct NormAOperator64 : IReduceOperator64
{
    public static double Invoke(double acc, double a, double b) => acc + a * a;
    public static Vector128<double> Invoke(Vector128<double> acc, Vector128<double> a, Vector128<double> b) => Vector128.MultiplyAddEstimate(a, a, acc);
    public static Vector256<double> Invoke(Vector256<double> acc, Vector256<double> a, Vector256<double> b) => Vector256.MultiplyAddEstimate(a, a, acc);
    public static Vector512<double> Invoke(Vector512<double> acc, Vector512<double> a, Vector512<double> b) => Vector512.MultiplyAddEstimate(a, a, acc);
}
