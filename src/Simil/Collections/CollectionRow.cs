namespace Simil.Collections;

/// <summary>One row of a collection: its id (unique in the collection), its vector, and optionally its metadata (one JSON object) and the text it was embedded from.</summary>
public sealed record CollectionRow(string Id, float[] Vector, string? Metadata = null, string? Text = null);

/// <summary>A search result of a collection: the row's id, its score (the one-to-one kernel score), metadata and text.</summary>
public sealed record CollectionHit(string Id, float Score, string? Metadata, string? Text);
