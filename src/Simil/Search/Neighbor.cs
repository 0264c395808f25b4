namespace Simil;

/// <summary>A row of the corpus and its score against the query.</summary>
/// <param name="Index">The row's index in the corpus.</param>
/// <param name="Score">The metric's value for the pair, exactly what <see cref="Similarity.Compute(Metric, ReadOnlySpan{float}, ReadOnlySpan{float})"/> gives.</param>
public readonly record struct Neighbor(int Index, float Score);
