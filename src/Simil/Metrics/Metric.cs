namespace Simil;

/// <summary>
/// A way to score how alike two vectors are. <see cref="MetricInfo"/> gives each one's CLI name,
/// aliases and orientation (whether a higher score means closer).
/// </summary>
public enum Metric
{
    /// <summary>Dot product <c>Σ aᵢbᵢ</c>; higher is closer.</summary>
    Dot,

    /// <summary>Cosine similarity <c>a·b / (‖a‖‖b‖)</c> in [-1, 1]; higher is closer. A zero vector gives 0.</summary>
    Cosine,

    /// <summary>Squared Euclidean distance <c>Σ (aᵢ−bᵢ)²</c>; lower is closer.</summary>
    L2Squared,

    /// <summary>Euclidean distance <c>√Σ (aᵢ−bᵢ)²</c>; lower is closer.</summary>
    L2,

    /// <summary>Cosine distance <c>1 − cosine</c> in [0, 2]; lower is closer. A zero vector gives 1.</summary>
    CosineDistance,

    /// <summary>Negated dot product <c>−Σ aᵢbᵢ</c>; lower is closer.</summary>
    NegativeDot,

    /// <summary>Manhattan distance <c>Σ |aᵢ−bᵢ|</c>; lower is closer.</summary>
    L1,
}
