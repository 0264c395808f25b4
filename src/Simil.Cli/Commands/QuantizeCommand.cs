using System.CommandLine;
using Simil.Embeddings;
using Simil.Quantization;

namespace Simil.Cli.Commands;

/// <summary><c>simil quantize INPUT --precision p --out FILE.npy [--calibration FILE]</c>: sentence-transformers' quantize_embeddings.</summary>
static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "Vectors (any format simil reads), or texts to embed." };
        var precision = new Option<string>("--precision", "-p") { Description = $"The stored precision: {Precisions.ValidNames}.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The .npy file to write (replaced atomically).", Required = true };
        var calibration = new Option<string?>("--calibration") { Description = "int8/uint8: vectors whose per-dimension min and max set the ranges (default: INPUT's own)." };
        var inputFormat = new Option<string?>("--input-format") { Description = "INPUT's format when content and extension do not say." };
        var model = ModelOption.Create();
        var command = new Command("quantize", "Store vectors at a lower precision, byte for byte as sentence-transformers' quantize_embeddings does.")
        {
            input, precision, output, calibration, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            string name = parse.GetValue(precision)!, path = parse.GetValue(output)!;
            if (!Precisions.TryParse(name, out var p))
                throw new InputException("--precision", $"unknown precision '{name}'; valid precisions: {Precisions.ValidNames}");
            if (!string.Equals(Path.GetExtension(path), ".npy", StringComparison.OrdinalIgnoreCase))
                throw new InputException("--out", $"quantized vectors are written as NumPy .npy files; '{Path.GetFileName(path)}' is not one");
            string modelName = parse.GetValue(model)!;
            _ = EmbeddingModels.Dimensions(modelName);
            LocalEmbeddingGenerator? generator = null;
            try
            {
                var rows = KeyedVectors.LoadOrEmbed(parse.GetValue(input)!, parse.GetValue(inputFormat), () => generator ??= Models.Create(modelName), token);
                QuantizationRanges? ranges = null;
                if (parse.GetValue(calibration) is { } calibrationFile)
                {
                    var sample = KeyedVectors.LoadOrEmbed(calibrationFile, null, () => generator ??= Models.Create(modelName), token);
                    if (sample.Count == 0)
                        throw new InputException(calibrationFile, "holds no vectors to calibrate with");
                    if (rows.Count > 0 && sample.Dimensions != rows.Dimensions)
                        throw new InputException(calibrationFile, $"has {sample.Dimensions} dimensions but {parse.GetValue(input)} has {rows.Dimensions}");
                    ranges = QuantizationRanges.Of(sample);
                }
                else if (rows.Count == 0 && p is Precision.Int8 or Precision.UInt8)
                    throw new InputException(parse.GetValue(input)!, "holds no vectors to take ranges from; give --calibration");
                QuantizedFile.WriteNpy(path, rows, p, ranges);
                Console.Out.WriteLine($"{path}: {rows.Count:N0} rows × {rows.Dimensions}, {p.Name()}");
                return Task.FromResult(Cli.Ok);
            }
            finally
            {
                generator?.Dispose();
            }
        });
        return command;
    }
}
