using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Checks requests before anything starts, so a bad request is a 400 (or exit code 2) that says
/// what is wrong, never a failed orchestration.
/// </summary>
public static partial class RequestValidator
{
    public static IReadOnlyList<string> Validate(BackupRequest request, BackupFunctionsOptions options)
    {
        var errors = new List<string>();
        if (!BackupKinds.All.Contains(request.Kind, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"kind '{request.Kind}' is not known: use one of {string.Join(", ", BackupKinds.All)}.");
        }

        if (string.Equals(request.Kind, BackupKinds.Tenant, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(request.TenantId))
        {
            errors.Add("tenantId is required for a tenant backup.");
        }

        if (request.TenantId is { } tenant && !TenantIdPattern().IsMatch(tenant))
        {
            // The id travels in libpq options (-c setting=value); anything else could inject settings.
            errors.Add("tenantId may contain only letters, digits, '_', '-', '.' and ':' (1 to 100 characters).");
        }

        errors.AddRange(UnknownTargets(request.Targets, options));
        if (request.Database is { } db && (db.Length == 0 || db.Length > 63))
        {
            errors.Add("database must be 1 to 63 characters.");
        }
        else if (request.Database is { } name && !AllowedDatabases.Of(options.Source).Contains(name, StringComparer.Ordinal))
        {
            errors.Add(NotAllowed(name, AllowedDatabases.Of(options.Source)));
        }

        return errors;
    }

    public static IReadOnlyList<string> Validate(RestoreRequest request)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(request.BackupId))
        {
            errors.Add("backupId is required (a backup id, or \"latest\").");
        }

        if (!string.IsNullOrWhiteSpace(request.TargetConnectionString))
        {
            try
            {
                var b = new Npgsql.NpgsqlConnectionStringBuilder(request.TargetConnectionString);
                if (!string.IsNullOrEmpty(b.Password))
                {
                    errors.Add("targetConnectionString must not contain a password: requests are stored in the orchestration history. " +
                        "Give the password to the host through a .pgpass file (PGPASSFILE) or use the configured scratch server.");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"targetConnectionString is not a valid connection string: {e.Message}");
            }
        }

        if (request.TargetDatabase is { Length: 0 or > 63 })
        {
            errors.Add("targetDatabase must be 1 to 63 characters.");
        }

        errors.AddRange(ValidateMode(request));
        return errors;
    }

    private static string NotAllowed(string database, IReadOnlyList<string> allowed) => allowed.Count == 0
        ? $"database '{database}' cannot be chosen: no database is configured for backups. " +
          "Set the database in BackupFunctions:Source:ConnectionString or list it in BackupFunctions:Source:Databases."
        : $"database '{database}' is not configured for backups; configured databases: {string.Join(", ", allowed)}. " +
          "Leave database out for the default, or add it to BackupFunctions:Source:Databases.";

    private static IEnumerable<string> UnknownTargets(IReadOnlyList<string>? names, BackupFunctionsOptions options)
    {
        foreach (var name in names ?? [])
        {
            if (!options.Targets.Any(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"target '{name}' is not configured; configured targets: {string.Join(", ", options.Targets.Select(t => t.Name))}.";
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_.:-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex TenantIdPattern();
}
