using Npgsql;

namespace Simil.Postgres;

/// <summary>
/// A table's vector column named by a URI,
/// <c>postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?table=T&amp;column=C[&amp;key=K][&amp;columns=A,B][&amp;where=SQL]</c>
/// (docs/postgres.md). The password comes from the URI, else <c>PGPASSWORD</c>, else
/// <c>.pgpass</c>, as libpq does; <see cref="Display"/> never holds it.
/// </summary>
public sealed class PostgresSource
{
    // libpq's query-string keywords and Npgsql's names for them; anything else is tried as an
    // Npgsql keyword as it is.
    static readonly Dictionary<string, string> s_libpqKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["passfile"] = "Passfile",
    };

    PostgresSource(string display, string connectionString, string? schema, string table, string column, string? key, string? where, string? metric,
        IReadOnlyList<string>? columns)
    {
        Columns = columns;
        Display = display;
        ConnectionString = connectionString;
        Schema = schema;
        Table = table;
        Column = column;
        Key = key;
        Where = where;
        Metric = metric;
    }

    /// <summary>The URI without its password: what every message names.</summary>
    public string Display { get; }

    /// <summary>The Npgsql connection string (holds the password when the URI did).</summary>
    internal string ConnectionString { get; }

    /// <summary>The schema, when the URI names one (<c>schema=</c> or <c>table=schema.table</c>).</summary>
    public string? Schema { get; }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The vector column.</summary>
    public string Column { get; }

    /// <summary>The column whose text is each row's key, if any.</summary>
    public string? Key { get; }

    /// <summary>
    /// Columns kept as each row's metadata (<c>columns=a,b,c</c>): one JSON object a row, built by
    /// the server (<c>json_build_object</c>, in the order named), so numbers stay numbers and dates ISO-8601 strings.
    /// </summary>
    public IReadOnlyList<string>? Columns { get; }

    /// <summary>The user's condition on the rows, if any (run in a read-only transaction).</summary>
    public string? Where { get; }

    /// <summary>The measure to audit by when the column has no index (<c>metric=</c>).</summary>
    public string? Metric { get; }

    /// <summary>The table as SQL: quoted identifiers, never the user's text as SQL.</summary>
    internal string QualifiedTable => Schema is null ? Quote(Table) : $"{Quote(Schema)}.{Quote(Table)}";

    /// <summary>The condition as SQL (<c>TRUE</c> when there is none).</summary>
    internal string Condition => Where is null ? "TRUE" : $"({Where})";

    /// <summary>Whether <paramref name="text"/> is a PostgreSQL URI rather than a file name.</summary>
    public static bool IsUri(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a source URI; anything missing or malformed is an <see cref="InputException"/> naming it.</summary>
    public static PostgresSource Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsUri(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Host.Length == 0)
            throw new InputException(RedactPasswords(uri), "not a PostgreSQL URI; expected postgres://USER@HOST:PORT/DATABASE?table=T&column=C");
        string user = "", password = "";
        if (parsed.UserInfo.Length > 0)
        {
            int colon = parsed.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? parsed.UserInfo : parsed.UserInfo[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(parsed.UserInfo[(colon + 1)..]);
        }
        string database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        int port = parsed.IsDefaultPort || parsed.Port < 0 ? 5432 : parsed.Port;
        string host = parsed.Host.Trim('[', ']');

        var query = new List<(string Name, string Value)>();
        foreach (var part in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            query.Add(eq < 0 ? (Uri.UnescapeDataString(part), "") : (Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..])));
        }
        string? Take(string name)
        {
            var found = query.FindLast(q => q.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            query.RemoveAll(q => q.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            return string.IsNullOrEmpty(found.Value) ? null : found.Value;
        }
        string? table = Take("table"), column = Take("column"), key = Take("key"), where = Take("where"), schema = Take("schema"), metric = Take("metric"),
            columnList = Take("columns");
        if (table is not null && schema is null && table.Split('.') is [var s, var t] && s.Length > 0 && t.Length > 0)
            (schema, table) = (s, t);

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            // Rows stream by COPY: no command timeout; the connection attempt keeps libpq's spirit.
            CommandTimeout = 0,
        };
        if (database.Length > 0)
            builder.Database = database;
        if (user.Length > 0)
            builder.Username = user;
        if (password.Length > 0)
            builder.Password = password;
        string display = $"postgres://{(user.Length > 0 ? Uri.EscapeDataString(user) + "@" : "")}{parsed.Host}:{port}/{database}" +
            $"?table={(schema is null ? "" : schema + ".")}{table}&column={column}{(key is null ? "" : "&key=" + key)}{(columnList is null ? "" : "&columns=" + columnList)}{(where is null ? "" : "&where=" + where)}";
        foreach (var (name, value) in query)
        {
            try
            {
                builder[s_libpqKeywords.GetValueOrDefault(name, name)] = value;
            }
            catch (ArgumentException)
            {
                throw new InputException(display, $"unknown connection setting '{name}' (table, column, key, columns, where, schema and metric are Simil's; the rest are libpq's or Npgsql's)");
            }
        }
        if (table is null || column is null)
            throw new InputException(display, $"names no {(table is null ? "table" : "column")}; add ?table=T&column=C (the table and its vector, halfvec or bit column)");
        if (metric is not null && !MetricInfo.TryParse(metric, out _))
            throw new InputException(display, $"unknown metric '{metric}'; valid metrics: {MetricInfo.ValidNames}");
        string[]? columns = columnList?.Split(',', StringSplitOptions.TrimEntries);
        if (columns is not null && columns.Any(c => c.Length == 0))
            throw new InputException(display, "columns= names an empty column; list them as columns=a,b,c");
        if (columns is not null && columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
            throw new InputException(display, "columns= names a column twice");
        return new PostgresSource(display, builder.ConnectionString, schema, table, column, key, where, metric, columns);
    }

    /// <summary>The URI without its password.</summary>
    public override string ToString() => Display;

    /// <summary>An identifier quoted for SQL, exactly as written.</summary>
    internal static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// <paramref name="text"/> with the password of every <c>postgres://user:password@</c> in it removed:
    /// the last guard before a message reaches a terminal or a log.
    /// </summary>
    public static string RedactPasswords(string text) =>
        text is null ? "" : s_password.Replace(text, "$1@");

    static readonly System.Text.RegularExpressions.Regex s_password =
        new(@"(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
