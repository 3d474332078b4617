using Npgsql;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// The databases a request may ask to back up: the source connection string's own database and those
/// listed in <see cref="SourceOptions.Databases"/>. Everything else on the server is off limits, so a
/// caller holding only a function key cannot make the service dump a database nobody configured.
/// </summary>
public static class AllowedDatabases
{
    /// <summary>The allowed names, in configured order, without duplicates (names compare exactly, as PostgreSQL's do).</summary>
    public static IReadOnlyList<string> Of(SourceOptions source)
    {
        var names = new List<string>();
        if (DefaultDatabase(source.ConnectionString) is { } main) names.Add(main);
        names.AddRange(source.Databases.Where(d => !string.IsNullOrWhiteSpace(d)));
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    // Only the database name is taken from the connection string; nothing else of it may reach a message.
    private static string? DefaultDatabase(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        try
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            return string.IsNullOrWhiteSpace(database) ? null : database;
        }
        catch (ArgumentException)
        {
            return null; // a malformed connection string is reported by the settings check, not here
        }
    }
}
