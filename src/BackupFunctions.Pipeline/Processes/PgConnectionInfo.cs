using System.Text;
using Npgsql;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Where a database is, for both Npgsql and the client programs. The password goes to child
/// processes only through PGPASSWORD, never on a command line, and <see cref="ToString"/> omits it.
/// </summary>
public sealed record PgConnectionInfo
{
    public PgConnectionInfo(string host, int port, string username, string? password, string database)
    {
        Host = host; Port = port; Username = username; Password = password; Database = database;
    }

    public string Host { get; init; }
    public int Port { get; init; }
    public string Username { get; init; }
    public string? Password { get; init; }
    public string Database { get; init; }
    /// <summary>libpq sslmode (disable, prefer, require, verify-ca, verify-full); null leaves the default.</summary>
    public string? SslMode { get; init; }
    public int ConnectTimeoutSeconds { get; init; } = 10;
    /// <summary>libpq "options" (PGOPTIONS), e.g. <c>-c app.tenant_id=42</c> for tenant backups.</summary>
    public string? Options { get; init; }
    public string ApplicationName { get; init; } = "backupfunctions";

    public PgConnectionInfo WithDatabase(string database) => this with { Database = database };

    /// <summary>The same connection with one more server setting for its sessions (<c>-c name=value</c>), after any already given.</summary>
    public PgConnectionInfo WithSetting(string name, string value) =>
        this with { Options = (string.IsNullOrWhiteSpace(Options) ? "" : Options + " ") + $"-c {name}={value}" };

    /// <summary>From an Npgsql-style connection string (Host, Port, Username, Password, Database, SSL Mode, Timeout, Options).</summary>
    public static PgConnectionInfo FromConnectionString(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return new PgConnectionInfo(b.Host ?? "localhost", b.Port, b.Username ?? Environment.UserName, b.Password, b.Database ?? b.Username ?? "postgres")
        {
            // Prefer is the default of both Npgsql and libpq; only pass a mode that was chosen.
            SslMode = b.SslMode == Npgsql.SslMode.Prefer ? null : ToLibpqSslMode(b.SslMode),
            ConnectTimeoutSeconds = b.Timeout,
            Options = b.Options,
            ApplicationName = b.ApplicationName ?? "backupfunctions",
        };
    }

    public string ToNpgsqlConnectionString()
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Username,
            Password = Password,
            Database = Database,
            Timeout = ConnectTimeoutSeconds,
            ApplicationName = ApplicationName,
            // Backup tooling opens few connections, and pooled idle ones would block DROP DATABASE.
            Pooling = false,
            // Row counts of big tables can take longer than the 30 s default.
            CommandTimeout = 0,
        };
        if (Options is not null) b.Options = Options;
        if (SslMode is not null) b.SslMode = Enum.Parse<SslMode>(SslMode.Replace("-", ""), ignoreCase: true);
        return b.ConnectionString;
    }

    /// <summary>A libpq conninfo string without the password (which travels in PGPASSWORD).</summary>
    internal string ToConnInfo()
    {
        var sb = new StringBuilder();
        Add(sb, "host", Host);
        Add(sb, "port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(sb, "user", Username);
        Add(sb, "dbname", Database);
        Add(sb, "connect_timeout", ConnectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(sb, "application_name", ApplicationName);
        if (SslMode is not null) Add(sb, "sslmode", SslMode);
        if (Options is not null) Add(sb, "options", Options);
        return sb.ToString();
    }

    private static void Add(StringBuilder sb, string key, string value)
    {
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(key).Append("='").Append(value.Replace("\\", "\\\\").Replace("'", "\\'")).Append('\'');
    }

    private static string ToLibpqSslMode(SslMode mode) => mode switch
    {
        Npgsql.SslMode.Disable => "disable",
        Npgsql.SslMode.Allow => "allow",
        Npgsql.SslMode.Prefer => "prefer",
        Npgsql.SslMode.Require => "require",
        Npgsql.SslMode.VerifyCA => "verify-ca",
        Npgsql.SslMode.VerifyFull => "verify-full",
        _ => "prefer",
    };

    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";
}
