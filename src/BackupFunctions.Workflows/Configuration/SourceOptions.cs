namespace BackupFunctions.Workflows.Configuration;

/// <summary>The server whose databases are backed up.</summary>
public sealed class SourceOptions
{
    /// <summary>Npgsql connection string; its Database is the default database to back up.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Databases the scheduled full backup covers; empty means the connection string's database.</summary>
    public List<string> Databases { get; set; } = [];

    /// <summary>Directory of pg_dump/pg_restore; empty picks from /usr/lib/postgresql/*/bin by server version.</summary>
    public string? PgBinDirectory { get; set; }

    /// <summary>
    /// Store role password hashes with the cluster globals of a full backup. Off by default: the
    /// hashes are credentials, and a restore onto a fresh server then creates roles without passwords.
    /// </summary>
    public bool IncludeRolePasswords { get; set; }
}
