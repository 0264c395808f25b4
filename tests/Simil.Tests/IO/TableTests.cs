using System.Text;
using Simil.IO;

namespace Simil.Tests.IO;

/// <summary>
/// JSON Lines and CSV/TSV with a header read ids, texts and other fields by name, the same way:
/// the id is a row's key, the text is embedded, every other field is kept; broken tables name the line.
/// </summary>
public sealed class TableTests
{
    static VectorFileContent Read(string text, string name, string? idField = null, string? textField = null) =>
        VectorFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, new VectorReadOptions { IdField = idField, TextField = textField });

    static FileFormatException Fails(string text, string name, string? idField = null, string? textField = null) =>
        Assert.Throws<FileFormatException>(() => Read(text, name, idField, textField));

    [Fact]
    public void A_csv_with_a_text_column_is_texts_with_ids_and_fields_quoting_as_rfc_4180()
    {
        var content = Read("id,text,lang\nd1,\"O rei, a rainha\",pt\n\nd2,\"Say \"\"hi\"\"\",en\n", "t.csv");
        Assert.Null(content.Vectors);
        Assert.Equal(["O rei, a rainha", "Say \"hi\""], content.Texts!);
        Assert.Equal(["d1", "d2"], content.TextIds!);
        Assert.Equal(["d1", "d2"], content.TextKeys!);
        Assert.Equal(["{\"lang\":\"pt\"}", "{\"lang\":\"en\"}"], content.Fields!);
    }

    [Fact]
    public void Jsonl_texts_keep_their_ids_and_other_fields_as_written()
    {
        var content = Read("{\"id\":\"a1\",\"text\":\"chuva\",\"lang\":\"pt\",\"n\":{\"x\":[1,2]}}\n{\"id\":7,\"text\":\"rain\"}\n", "t.jsonl");
        Assert.Equal(["chuva", "rain"], content.Texts!);
        Assert.Equal(["a1", "7"], content.TextIds!);
        Assert.Equal(["{\"lang\":\"pt\",\"n\":{\"x\":[1,2]}}", "{}"], content.Fields!);
        var plain = Read("{\"text\":\"chuva\"}\n{\"text\":\"rain\"}\n", "p.jsonl");
        Assert.Null(plain.TextIds);
        Assert.Null(plain.Fields);
        Assert.Equal(["chuva", "rain"], plain.TextKeys!);
    }

    [Fact]
    public void Jsonl_vectors_keep_their_other_fields_and_none_costs_nothing()
    {
        var content = Read("{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"lang\":\"pt\",\"vector\":[3,4]}\n{\"id\":\"a\",\"x\":1,\"vector\":[5,6]}\n", "v.jsonl");
        Assert.Equal(["a", "b"], content.Vectors!.Keys!);
        Assert.Equal(["{}", "{\"lang\":\"pt\"}"], content.Fields!);   // the repeated id's row is dropped with its fields
        Assert.Null(Read("{\"id\":\"a\",\"vector\":[1,2]}\n", "p.jsonl").Fields);
    }

    [Fact]
    public void Named_fields_replace_the_defaults_in_both_formats()
    {
        var jsonl = Read("{\"doc\":\"x\",\"body\":\"um\",\"id\":\"ignored\"}\n{\"doc\":\"y\",\"body\":\"dois\"}\n", "n.jsonl", idField: "doc", textField: "body");
        Assert.Equal(["um", "dois"], jsonl.Texts!);
        Assert.Equal(["x", "y"], jsonl.TextIds!);
        Assert.Equal("{\"id\":\"ignored\"}", jsonl.Fields![0]);
        var tsv = Read("word\tv1\tv2\ncat\t1\t2\ndog\t3\t4.5\n", "v.tsv", idField: "word");
        Assert.Equal(["cat", "dog"], tsv.Vectors!.Keys!);
        Assert.Equal([1f, 2f, 3f, 4.5f], tsv.Vectors.Data.ToArray());
        var csv = Read("id,a,b\nx,1,2\ny,3,4\n", "v.csv");
        Assert.Equal(["x", "y"], csv.Vectors!.Keys!);
        var texts = Read("key,body\nk1,hello\n", "b.csv", textField: "body");
        Assert.Equal(["k1"], texts.TextIds!);
    }

    /// <summary>A CSV's other columns become metadata typed as filters need them: numbers as numbers, true/false as bools, the rest strings.</summary>
    [Fact]
    public void Csv_metadata_keeps_numbers_and_bools_typed()
    {
        var content = Read("id,text,year,score,draft,code,note\nd1,chuva,2019,0.5,true,007x,\nd2,rain,-3,1e3,false,\"1,5\",ok\n", "t.csv");
        Assert.Equal(["{\"year\":2019,\"score\":0.5,\"draft\":true,\"code\":\"007x\",\"note\":\"\"}",
            "{\"year\":-3,\"score\":1000,\"draft\":false,\"code\":\"1,5\",\"note\":\"ok\"}"], content.Fields!);
        Assert.True(Simil.Filters.Filter.Parse("{\"year\":{\"$gte\":2015},\"draft\":true}").Matches(content.Fields![0]));
    }

    /// <summary>A <c>vector</c> column of JSON arrays makes the rows vectors, keyed by the id column, the other columns their metadata, as JSON Lines does.</summary>
    [Fact]
    public void A_csv_vector_column_reads_vectors_with_ids_and_metadata()
    {
        var content = Read("id,vector,lang,year\na,\"[1, 2]\",pt,2019\nb,\"[3,4.5]\",en,2021\na,\"[9,9]\",xx,1\n", "v.csv");
        Assert.Equal(["a", "b"], content.Vectors!.Keys!);
        Assert.Equal([1f, 2f, 3f, 4.5f], content.Vectors.Data.ToArray());
        Assert.Equal(["{\"lang\":\"pt\",\"year\":2019}", "{\"lang\":\"en\",\"year\":2021}"], content.Fields!);
        Assert.Single(content.Warnings);
        var bare = Read("vector\n\"[1,2]\"\n", "b.csv");
        Assert.Null(bare.Fields);
        Assert.Null(bare.Vectors!.Keys);
    }

    [Fact]
    public void A_csv_of_numbers_only_has_no_header_and_reads_as_before()
    {
        var content = Read("1,2,3\n4,5,6\n", "m.csv");
        Assert.Null(content.Vectors!.Keys);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], content.Vectors.Data.ToArray());
    }

    [Theory]
    [InlineData("id,text\na,hello\nb\n", "t.csv", null, null, "line 3", "1 fields, but the header has 2")]
    [InlineData("id,text\na,hello\na,again\n", "t.csv", null, null, "line 3", "already the id of line 2")]
    [InlineData("id,text\n", "t.csv", null, null, "line 1", "a header and no rows")]
    [InlineData("id,text\na,\"open\n", "t.csv", null, null, "line 2", "quoted field")]
    [InlineData("word,x\na,1\n", "v.csv", null, null, "line 2, column 1", "'a' in column 'word' is not a number")]
    [InlineData("id,x\na,1\n", "v.csv", "name", null, "line 1", "no column 'name' (columns: id, x)")]
    [InlineData("id,x\na,1\n", "v.csv", null, "body", "line 1", "no column 'body'")]
    [InlineData("id,vector\na,\"[1,2]\"\nb,\"[1,2,3]\"\n", "v.csv", null, null, "line 3, column 2", "3 values, expected 2")]
    [InlineData("id,vector\na,\"[1,\"\"x\"\"]\"\n", "v.csv", null, null, "line 2, column 2", "\"x\" in the vector is not a number")]
    [InlineData("id,vector\na,1 2\n", "v.csv", null, null, "line 2, column 2", "a JSON array of numbers")]
    [InlineData("id,vector\na,[]\n", "v.csv", null, null, "line 2, column 2", "a JSON array of numbers")]
    [InlineData("id,vector\na,\"[1e39]\"\n", "v.csv", null, null, "line 2, column 2", "not a finite float32")]
    [InlineData("{\"text\":\"a\"}\n{\"id\":\"x\",\"text\":\"b\"}\n", "t.jsonl", null, null, "line 2", "give every text an id or none")]
    [InlineData("{\"id\":\"x\",\"text\":\"a\"}\n{\"id\":\"x\",\"text\":\"b\"}\n", "t.jsonl", null, null, "line 2", "already the id of line 1")]
    [InlineData("{\"doc\":\"x\",\"text\":\"a\"}\n{\"text\":\"b\"}\n", "t.jsonl", "doc", null, "line 2", "no \"doc\" field")]
    [InlineData("{\"id\":\"x\",\"body\":\"a\"}\n", "t.jsonl", null, null, "line 1", "neither \"vector\" nor \"text\"")]
    [InlineData("{\"id\":\"x\",\"text\":3}\n", "t.jsonl", null, null, "line 1", "\"text\" must be a string")]
    public void Broken_tables_name_the_file_and_line(string text, string name, string? idField, string? textField, string place, string what)
    {
        var e = Fails(text, name, idField, textField);
        Assert.StartsWith($"{name}: {place}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("word,x\na,1\n", "v.csv", null, nameof(VectorReadOptions.TextField))]
    [InlineData("{\"doc\":\"x\",\"text\":\"a\"}\n{\"text\":\"b\"}\n", "t.jsonl", "doc", nameof(VectorReadOptions.IdField))]
    [InlineData("{\"id\":\"x\",\"body\":\"a\"}\n", "t.jsonl", null, nameof(VectorReadOptions.TextField))]
    [InlineData("id,text\na,hello\nb\n", "t.csv", null, null)]
    public void A_read_setting_that_would_help_is_named_as_a_value_never_as_a_flag(string text, string name, string? idField, string? setting)
    {
        var e = Fails(text, name, idField, null);
        Assert.Equal(setting, e.Setting);
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
    }
}
