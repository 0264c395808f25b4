using System.Globalization;

namespace Simil.Postgres.Tests;

/// <summary>Rows read from real vector, halfvec and bit columns equal what was stored.</summary>
public sealed class ReaderTests(PostgresServer server)
{
    static string Literal(IEnumerable<float> values) => "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public void Vector_halfvec_and_bit_columns_read_exactly_with_keys_and_a_condition()
    {
        var random = new Random(7);
        const int Rows = 3000, D = 37;
        var data = new float[Rows][];
        server.Execute("DROP TABLE IF EXISTS readme_rows; CREATE TABLE readme_rows (id bigint, label text, v vector(37), h halfvec(37), b bit(37))");
        using (var connection = server.Open())
        using (var copy = connection.BeginTextImport("COPY readme_rows FROM STDIN"))
            for (int i = 0; i < Rows; i++)
            {
                // Extreme magnitudes and zeros beside ordinary values; halves hold the float16 rounding.
                data[i] = [.. Enumerable.Range(0, D).Select(j => j == 0 ? 0f : j == 1 ? (i % 2 == 0 ? 3.4e38f : -1.5e-38f) : (float)(random.NextDouble() * 2 - 1))];
                var halves = data[i].Select(v => (float)(Half)Math.Clamp(v, -60000f, 60000f));
                string bits = string.Concat(data[i].Select(v => v > 0 ? '1' : '0'));
                copy.WriteLine($"{i}\tk{i}\t{Literal(data[i])}\t{Literal(halves)}\t{bits}");
            }

        var vectors = PostgresReader.Read(PostgresSource.Parse(server.Source("readme_rows", "v", "&key=label")), TestContext.Current.CancellationToken);
        Assert.Equal(Rows, vectors.Count);
        Assert.Equal(D, vectors.Dimensions);
        for (int i = 0; i < Rows; i++)
        {
            int row = vectors.IndexOf($"k{i}");
            Assert.True(row >= 0);
            Assert.Equal(data[i], vectors[row].ToArray());
        }

        var halfRows = PostgresReader.Read(PostgresSource.Parse(server.Source("readme_rows", "h", "&key=id&where=id%20%25%202%20%3D%201")), TestContext.Current.CancellationToken);
        Assert.Equal(Rows / 2, halfRows.Count);
        for (int r = 0; r < halfRows.Count; r++)
        {
            int i = int.Parse(halfRows.Keys![r], CultureInfo.InvariantCulture);
            Assert.Equal(1, i % 2);
            Assert.Equal(data[i].Select(v => (float)(Half)Math.Clamp(v, -60000f, 60000f)), halfRows[r].ToArray());
        }

        var bitRows = PostgresReader.Read(PostgresSource.Parse(server.Source("public.readme_rows", "b", "&key=id")), TestContext.Current.CancellationToken);
        for (int r = 0; r < bitRows.Count; r++)
        {
            int i = int.Parse(bitRows.Keys![r], CultureInfo.InvariantCulture);
            Assert.Equal(data[i].Select(v => v > 0 ? 1f : 0f), bitRows[r].ToArray());
        }
    }

    [Fact]
    public void An_empty_selection_is_zero_rows()
    {
        server.Execute("DROP TABLE IF EXISTS empty_rows; CREATE TABLE empty_rows (v vector(4))");
        var rows = PostgresReader.Read(PostgresSource.Parse(server.Source("empty_rows", "v")), TestContext.Current.CancellationToken);
        Assert.Equal(0, rows.Count);
    }

    [Fact]
    public void The_uri_keeps_its_password_out_of_what_it_shows()
    {
        var source = PostgresSource.Parse("postgres://app:s3cret-pw@127.0.0.1:5999/db?table=t&column=c&sslmode=disable");
        Assert.DoesNotContain("s3cret", source.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", source.ToString(), StringComparison.Ordinal);
        Assert.Equal("see postgres://app@h/db and postgresql://u@h", PostgresSource.RedactPasswords("see postgres://app:x@h/db and postgresql://u:y%40z@h"));
        Assert.Throws<InputException>(() => PostgresSource.Parse("postgres://h/db?table=t&column=c&nonsense_setting=1"));
        Assert.Throws<InputException>(() => PostgresSource.Parse("postgres://h/db?column=c"));
    }
}
