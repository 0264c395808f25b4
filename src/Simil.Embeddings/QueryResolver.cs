namespace Simil.Embeddings;

/// <summary>
/// The one place a query meets the rows it is compared with (every command, the vector store and
/// <c>audit</c> ask it): a query is a literal vector (<c>[1, 2, 3]</c>), else a key of the rows,
/// else a text, embedded by the model that made the rows — the model recorded with them (an index
/// file's), never another. Rows with no recorded model take the model asked for, else the default,
/// and say so once through the notice. Asking for a model other than the recorded one is refused,
/// naming both: its vectors would live in another space, and the answers would be wrong with no error.
/// </summary>
public sealed class QueryResolver : IDisposable
{
    readonly Action<string>? _notice;
    readonly Func<string, LocalEmbeddingGenerator> _create;
    LocalEmbeddingGenerator? _generator;
    bool _noticed;

    QueryResolver(string data, string model, bool assumed, Action<string>? notice, Func<string, LocalEmbeddingGenerator>? create, string? recordedPrompt)
    {
        _create = create ?? (name => EmbeddingModels.Create(name));
        RecordedPrompt = recordedPrompt;
        Data = data;
        Model = model;
        ModelAssumed = assumed;
        _notice = notice;
    }

    /// <summary>
    /// Queries against the rows called <paramref name="data"/> (a file name, in messages), whose
    /// vectors <paramref name="recordedModel"/> made (null: not recorded), with
    /// <paramref name="requestedModel"/> asked for by the user (null: not asked).
    /// </summary>
    /// <param name="data">The rows' name in messages (a file, a table).</param>
    /// <param name="recordedModel">The model recorded with the rows; null when none is.</param>
    /// <param name="requestedModel">The model the user named; null when none.</param>
    /// <param name="notice">Told once, when a text is embedded by a model that was neither recorded nor asked for (the default).</param>
    /// <param name="create">Makes the generator for a model name (default <see cref="EmbeddingModels.Create"/>; a program may watch <see cref="LocalEmbeddingGenerator.TextsCut"/> through it, and ask for a prompt).</param>
    /// <param name="recordedPrompt">The prompt the rows' texts were embedded after (an index's document prompt); null when none is recorded.</param>
    /// <exception cref="InputException">The requested model is unknown, or differs from the recorded one (both named).</exception>
    public static QueryResolver For(string data, string? recordedModel, string? requestedModel, Action<string>? notice = null,
        Func<string, LocalEmbeddingGenerator>? create = null, string? recordedPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (requestedModel is not null)
            _ = EmbeddingModels.Dimensions(requestedModel);   // an unknown model is bad input before anything is read
        if (recordedModel is not null && requestedModel is not null && !SameModel(recordedModel, requestedModel))
            throw new InputException(data, $"its vectors were embedded by {recordedModel}, not {requestedModel.Trim()}; a text must be embedded by the model that made the vectors it is compared with");
        return recordedModel is not null ? new(data, recordedModel, false, notice, create, recordedPrompt)
            : requestedModel is not null ? new(data, requestedModel.Trim(), false, notice, create, recordedPrompt)
            : new(data, EmbeddingModels.Default, true, notice, create, recordedPrompt);
    }

    /// <summary>Whether two model names name the same model (packaged names ignore case; directories compare as full paths).</summary>
    public static bool SameModel(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase))
            return true;
        return Directory.Exists(a) && Directory.Exists(b)
            && string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
    }

    /// <summary>The prompt recorded with the rows (their texts were embedded after it), or null.</summary>
    public string? RecordedPrompt { get; }

    /// <summary>
    /// The text put before a query: the prompt asked for, else the model's <c>query</c> prompt, else
    /// the prompt the rows were embedded after (a query then meets them as one of them), else the
    /// model's default, else none ("").
    /// </summary>
    public string QueryPrompt => Generator.RequestedPromptText
        ?? (Generator.Prompts.QueryName is { } q ? Generator.Prompts.Prompts[q] : null)
        ?? RecordedPrompt ?? Generator.PromptText(null);

    /// <summary>The text put before rows added to these (index add): the prompt asked for, else the recorded one, else the model's default.</summary>
    public string DocumentPrompt => Generator.RequestedPromptText ?? RecordedPrompt ?? Generator.PromptText(null);

    /// <summary>The rows' name, as messages give it.</summary>
    public string Data { get; }

    /// <summary>The model that embeds texts: the recorded one, else the requested one, else the default.</summary>
    public string Model { get; }

    /// <summary>True when no model was recorded or requested, so that texts are embedded by the default model.</summary>
    public bool ModelAssumed { get; }

    /// <summary>The model's generator, created on first use (the model itself loads on first embedding).</summary>
    public LocalEmbeddingGenerator Generator
    {
        get
        {
            if (ModelAssumed && !_noticed)
            {
                _noticed = true;
                _notice?.Invoke($"{Data} records no model: texts are embedded by {Model}, the default, since no model was named; if another model made its vectors, name that one");
            }
            return _generator ??= _create(Model);
        }
    }

    /// <summary>
    /// The vector of <paramref name="query"/> against <paramref name="rows"/>: a literal vector, else
    /// the row of that key, else the text embedded by <see cref="Model"/>.
    /// </summary>
    /// <exception cref="InputException">A literal of the wrong length, or a text whose model gives another number of dimensions than the rows (the nearest keys named).</exception>
    public float[] Vector(string query, EmbeddingMatrix rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(rows);
        float[] vector;
        if (IO.VectorLiteral.IsLiteral(query))
            vector = IO.VectorLiteral.Parse(query, "the query");
        else if (rows.IndexOf(query) is int row and >= 0)
            vector = rows.IsFloat64 ? [.. rows.GetRow64(row).ToArray().Select(v => (float)v)] : rows[row].ToArray();
        else
        {
            int dimensions = EmbeddingModels.Dimensions(Model);
            if (dimensions != rows.Dimensions)
            {
                var nearest = rows.Keys is null ? [] : IO.KeySuggestions.Nearest(rows.Keys, query);
                throw new InputException(Data, $"'{query}' is not among its {rows.Count:N0} keys" +
                    (nearest.Count > 0 ? $" (nearest spellings: {string.Join(", ", nearest)})" : "") +
                    $", and as a text {Model} would give {dimensions} dimensions, not its {rows.Dimensions}");
            }
            vector = Generator.EmbedMatrix([query], null, cancellationToken, QueryPrompt)[0].ToArray();
        }
        if (vector.Length != rows.Dimensions)
            throw new InputException(Data, $"the query has {vector.Length} dimensions but the rows have {rows.Dimensions}");
        return vector;
    }

    /// <summary>
    /// The vector of <paramref name="query"/> for rows of <paramref name="dimensions"/> found by id
    /// through <paramref name="lookup"/> (a collection): a literal vector, else the row of that id,
    /// else the text embedded by <see cref="Model"/>.
    /// </summary>
    /// <exception cref="InputException">A literal of the wrong length, or a text whose model gives another number of dimensions.</exception>
    public float[] Vector(string query, int dimensions, Func<string, float[]?> lookup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(lookup);
        float[] vector;
        if (IO.VectorLiteral.IsLiteral(query))
            vector = IO.VectorLiteral.Parse(query, "the query");
        else if (lookup(query) is { } row)
            vector = row;
        else
        {
            int given = EmbeddingModels.Dimensions(Model);
            if (given != dimensions)
                throw new InputException(Data, $"'{query}' is not one of its ids, and as a text {Model} would give {given} dimensions, not its {dimensions}");
            vector = Generator.EmbedMatrix([query], null, cancellationToken, QueryPrompt)[0].ToArray();
        }
        if (vector.Length != dimensions)
            throw new InputException(Data, $"the query has {vector.Length} dimensions but the rows have {dimensions}");
        return vector;
    }

    /// <summary>Queries embedded by <see cref="Model"/> after <see cref="QueryPrompt"/> (queries from a file).</summary>
    public EmbeddingMatrix Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Generator.EmbedMatrix(texts, progress, cancellationToken, QueryPrompt);

    /// <summary>Rows to add, embedded by <see cref="Model"/> after <see cref="DocumentPrompt"/>.</summary>
    public EmbeddingMatrix EmbedDocuments(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Generator.EmbedMatrix(texts, progress, cancellationToken, DocumentPrompt);

    /// <summary>Releases the model.</summary>
    public void Dispose()
    {
        _generator?.Dispose();
        _generator = null;
    }
}
