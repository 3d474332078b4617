using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Workflows;

/// <summary>
/// What every backup, verify and restore needs, built once from the settings: the key ring, the
/// configured targets (with their retry and concurrency wrappers) and the PostgreSQL client tools.
/// </summary>
public sealed class BackupEnvironment
{
    public BackupEnvironment(BackupFunctionsOptions options, ILoggerFactory? loggerFactory = null,
        KeyRing? keys = null, IReadOnlyList<IBackupTarget>? targets = null, bool usesStaging = true)
    {
        Options = options;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Keys = keys ?? KeyRingLoader.Load(options.Keys);
        Targets = targets ?? BackupTargetFactory.CreateAll(options.Targets, LoggerFactory);
        Tools = new PgToolRunner(new PgClientLocator(options.Source.PgBinDirectory), LoggerFactory.CreateLogger<PgToolRunner>());
        // archive_command and restore_command (wal push/fetch) stage nothing, and run as the server's account, whose
        // default staging directory may not exist or be creatable under the HOME it inherited.
        if (!usesStaging)
        {
            return;
        }

        // Before anything is written there: refuse a directory others could tamper with; sweep killed runs' scratch.
        var swept = Staging.StagingArea.Prepare(options.StagingDirectory);
        if (swept.Count > 0)
        {
            LoggerFactory.CreateLogger<BackupEnvironment>().LogInformation(
                "Removed {Count} leftover(s) of killed runs from the staging directory {Directory}: {Names}", swept.Count, options.StagingDirectory, string.Join(", ", swept));
        }
    }

    public BackupFunctionsOptions Options { get; }

    public ILoggerFactory LoggerFactory { get; }

    public KeyRing Keys { get; }

    public IReadOnlyList<IBackupTarget> Targets { get; }

    public PgToolRunner Tools { get; }

    /// <summary>Passwords of restore destinations, kept in this process (never in a request or a history).</summary>
    public Restore.DestinationPasswords Passwords { get; init; } = new();

    /// <summary>The source server, pointed at <paramref name="database"/> (or the configured default).</summary>
    public PgConnectionInfo Source(string? database = null)
    {
        var info = PgConnectionInfo.FromConnectionString(Options.Source.ConnectionString);
        return string.IsNullOrWhiteSpace(database) ? info : info.WithDatabase(database);
    }

    /// <summary>The named targets, in configured order; all of them when <paramref name="names"/> is empty.</summary>
    public IReadOnlyList<IBackupTarget> SelectTargets(IEnumerable<string>? names)
    {
        var wanted = names?.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList() ?? [];
        if (wanted.Count == 0)
        {
            return Targets;
        }

        var unknown = wanted.Where(n => !Targets.Any(t => t.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new UnknownTargetException(unknown, Targets.Select(t => t.Name));
        }

        return Targets.Where(t => wanted.Contains(t.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    public IBackupTarget? FindTarget(string name) =>
        Targets.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
