namespace Simil;

/// <summary>
/// Which rows of an index a search may return (<see cref="SearchOptions.Filter"/>): rows that are
/// deleted or fail a metadata filter are left out during the search — an HNSW walk still steps
/// through them but keeps only allowed rows, so they do not use up <c>ef</c> — never after the
/// top k is cut. Called from several threads at once; it must not change while a search runs.
/// </summary>
public interface IRowFilter
{
    /// <summary>True when row <paramref name="row"/> may be a result.</summary>
    bool Allows(int row);
}
