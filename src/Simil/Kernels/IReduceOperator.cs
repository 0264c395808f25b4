using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// One step of a single-accumulator reduction over two vectors (<c>acc += f(a, b)</c>), at every
/// width. <see cref="Reduce"/> holds the loop skeleton; an operator supplies only the step, so the
/// dot product, squared L2 and L1 share one tested loop. Lanes where both inputs are zero must
/// add nothing: the masked last vector relies on it.
/// </summary>
interface IReduceOperator
{
    static abstract double Invoke(double acc, float a, float b);
    static abstract Vector128<float> Invoke(Vector128<float> acc, Vector128<float> a, Vector128<float> b);
    static abstract Vector256<float> Invoke(Vector256<float> acc, Vector256<float> a, Vector256<float> b);
    static abstract Vector512<float> Invoke(Vector512<float> acc, Vector512<float> a, Vector512<float> b);
}

/// <summary><c>acc + a·b</c>, fused where the hardware has FMA.</summary>
readonly struct DotOperator : IReduceOperator
{
    public static double Invoke(double acc, float a, float b) => acc + (double)a * b;
    public static Vector128<float> Invoke(Vector128<float> acc, Vector128<float> a, Vector128<float> b) => Vector128.MultiplyAddEstimate(a, b, acc);
    public static Vector256<float> Invoke(Vector256<float> acc, Vector256<float> a, Vector256<float> b) => Vector256.MultiplyAddEstimate(a, b, acc);
    public static Vector512<float> Invoke(Vector512<float> acc, Vector512<float> a, Vector512<float> b) => Vector512.MultiplyAddEstimate(a, b, acc);
}

/// <summary><c>acc + (a−b)²</c>.</summary>
readonly struct L2SquaredOperator : IReduceOperator
{
    public static double Invoke(double acc, float a, float b)
    {
        double d = (double)a - b;
        return acc + d * d;
    }

    public static Vector128<float> Invoke(Vector128<float> acc, Vector128<float> a, Vector128<float> b)
    {
        var d = a - b;
        return Vector128.MultiplyAddEstimate(d, d, acc);
    }

    public static Vector256<float> Invoke(Vector256<float> acc, Vector256<float> a, Vector256<float> b)
    {
        var d = a - b;
        return Vector256.MultiplyAddEstimate(d, d, acc);
    }

    public static Vector512<float> Invoke(Vector512<float> acc, Vector512<float> a, Vector512<float> b)
    {
        var d = a - b;
        return Vector512.MultiplyAddEstimate(d, d, acc);
    }
}

/// <summary><c>acc + |a−b|</c>.</summary>
readonly struct L1Operator : IReduceOperator
{
    public static double Invoke(double acc, float a, float b) => acc + Math.Abs((double)a - b);
    public static Vector128<float> Invoke(Vector128<float> acc, Vector128<float> a, Vector128<float> b) => acc + Vector128.Abs(a - b);
    public static Vector256<float> Invoke(Vector256<float> acc, Vector256<float> a, Vector256<float> b) => acc + Vector256.Abs(a - b);
    public static Vector512<float> Invoke(Vector512<float> acc, Vector512<float> a, Vector512<float> b) => acc + Vector512.Abs(a - b);
}
