namespace Simil.Embeddings;

/// <summary>
/// sentence-transformers' Dense module (<c>2_Dense/</c>): y = f(W·x + b), W of
/// <see cref="OutFeatures"/> × <see cref="InFeatures"/> and b read from the module's
/// <c>model.safetensors</c> (<c>linear.weight</c>, <c>linear.bias</c>) when the model loads;
/// f is Identity or Tanh, as the config names it.
/// </summary>
sealed class DenseLayer(string folder, int inFeatures, int outFeatures, bool bias, bool tanh)
{
    float[]? _weight;
    float[]? _bias;

    /// <summary>The input length.</summary>
    public int InFeatures { get; } = inFeatures;

    /// <summary>The output length.</summary>
    public int OutFeatures { get; } = outFeatures;

    /// <summary>Whether f is tanh (else the identity).</summary>
    public bool Tanh { get; } = tanh;

    /// <summary>The module's folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>Reads the weights (once).</summary>
    /// <exception cref="FileFormatException">The safetensors file is broken, or its tensors' shapes differ from the config's.</exception>
    public void Load()
    {
        if (_weight is not null)
            return;
        string path = Path.Combine(Folder, "model.safetensors");
        var file = SafeTensorsFile.Read(path);
        var weight = file.Tensors.GetValueOrDefault("linear.weight")
            ?? throw new FileFormatException(path, "header", "has no tensor linear.weight");
        if (weight.Shape.Count != 2 || weight.Shape[0] != OutFeatures || weight.Shape[1] != InFeatures)
            throw new FileFormatException(path, "header", $"linear.weight has shape [{string.Join(", ", weight.Shape)}], not [{OutFeatures}, {InFeatures}] as config.json says");
        _weight = file.Floats("linear.weight");
        if (bias)
        {
            var b = file.Tensors.GetValueOrDefault("linear.bias")
                ?? throw new FileFormatException(path, "header", "has no tensor linear.bias, which config.json asks for");
            if (b.Shape.Count != 1 || b.Shape[0] != OutFeatures)
                throw new FileFormatException(path, "header", $"linear.bias has shape [{string.Join(", ", b.Shape)}], not [{OutFeatures}]");
            _bias = file.Floats("linear.bias");
        }
    }

    /// <summary>y = f(W·x + b).</summary>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Load();
        var w = _weight!;
        for (int o = 0; o < OutFeatures; o++)
        {
            double sum = _bias is null ? 0 : _bias[o];
            var row = w.AsSpan(o * InFeatures, InFeatures);
            for (int i = 0; i < InFeatures; i++)
                sum += row[i] * x[i];
            y[o] = Tanh ? Math.Tanh(sum) : sum;
        }
    }
}
