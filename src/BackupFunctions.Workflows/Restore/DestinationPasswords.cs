using System.Collections.Concurrent;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// Passwords of restore destinations, held in this process only. A restore or DR request names its
/// server without a password, because the request is stored (orchestration input and history); the
/// activities add the password here when they connect. backupctl fills it from --password-env,
/// --password-stdin or a Password= in --to; the host leaves it empty and the password comes from the
/// password file (PGPASSFILE or ~/.pgpass), which Npgsql and the client programs both read.
/// </summary>
public sealed class DestinationPasswords
{
    private readonly ConcurrentDictionary<(string Host, int Port, string User), string> _passwords = new();

    /// <summary>Keeps <paramref name="server"/>'s password for connections to the same host, port and user.</summary>
    public void Remember(PgConnectionInfo server)
    {
        if (server.Password is { Length: > 0 } password)
        {
            _passwords[Key(server)] = password;
        }
    }

    /// <summary><paramref name="server"/> with the password kept for it, unless it has one already.</summary>
    public PgConnectionInfo Apply(PgConnectionInfo server) =>
        server.Password is not { Length: > 0 } && _passwords.TryGetValue(Key(server), out var password)
            ? server with { Password = password }
            : server;

    private static (string, int, string) Key(PgConnectionInfo server) =>
        (server.Host.ToLowerInvariant(), server.Port, server.Username);
}
