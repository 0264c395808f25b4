using Simil.Embeddings;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary><c>simil models</c>' table or JSON.</summary>
static class ModelsRenderer
{
    public static void Write(IReadOnlyList<ModelDescription> models, bool json)
    {
        if (json)
        {
            JsonOutput.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("models");
                foreach (var m in models)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", m.Name);
                    writer.WriteString("source", m.Source);
                    writer.WriteNumber("dimensions", m.Dimensions);
                    writer.WriteNumber("max_tokens", m.MaxTokens);
                    writer.WriteString("modules", m.Modules);
                    writer.WriteString("tokenizer", m.Tokenizer);
                    writer.WriteStartObject("prompts");
                    foreach (var (name, text) in m.Prompts.Prompts)
                        writer.WriteString(name, text);
                    writer.WriteEndObject();
                    if (m.Prompts.DefaultName is null) writer.WriteNull("default_prompt"); else writer.WriteString("default_prompt", m.Prompts.DefaultName);
                    if (m.Prompts.Similarity is null) writer.WriteNull("similarity"); else writer.WriteString("similarity", m.Prompts.Similarity);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return;
        }
        // One small table a model: the fields are long (modules, prompts), and a row each reads best in 80 columns.
        foreach (var m in models)
        {
            var table = new Table().RoundedBorder().HideHeaders().Title(Markup.Escape(m.Name)).AddColumns("field", "value");
            void Row(string field, string value) => table.AddRow(field, Markup.Escape(value));
            Row("source", m.Source);
            Row("dimensions", m.Dimensions.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            Row("token limit", m.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Row("modules", m.Modules);
            Row("tokenizer", m.Tokenizer);
            Row("prompts", m.Prompts.Prompts.Count == 0 ? "none"
                : string.Join("; ", m.Prompts.Prompts.Select(p => $"{p.Key}{(p.Key == m.Prompts.DefaultName ? " (default)" : "")}: \"{p.Value}\"")));
            if (m.Prompts.Similarity is { } similarity)
                Row("trained for", similarity);
            AnsiConsole.Console.Write(table);
        }
    }
}
