using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Activities;

/// <summary>Where a restore goes: the requested server, or a scratch database on the scratch server.</summary>
public static class RestoreDestination
{
    public static PgConnectionInfo Resolve(BackupEnvironment env, RestoreRequest request, string backupId)
    {
        var server = !string.IsNullOrWhiteSpace(request.TargetConnectionString)
            ? PgConnectionInfo.FromConnectionString(request.TargetConnectionString)
            : PgConnectionInfo.FromConnectionString(env.Options.Scratch.ConnectionString is { Length: > 0 } scratch ? scratch : env.Options.Source.ConnectionString);
        var database = request.TargetDatabase
            ?? (string.IsNullOrWhiteSpace(request.TargetConnectionString) ? ScratchName(env, backupId) : server.Database);
        // The request never holds the password (it is stored); this process may (backupctl --password-env).
        return env.Passwords.Apply(server.WithDatabase(database));
    }

    public static string ScratchName(BackupEnvironment env, string backupId)
    {
        var name = env.Options.Scratch.DatabasePrefix + backupId.ToLowerInvariant().Replace('-', '_');
        return name.Length <= 63 ? name : name[..63];
    }
}
