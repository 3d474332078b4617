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
    /// <param name="onlyTargets">
    /// Build only these configured targets (none or empty: all). A run that names its targets (<c>backupctl backup
    /// --targets local</c>) then neither constructs nor loads the SDKs of the others, which cost about 0.25 CPU s of a
    /// short process (docs/benchmarks.md, "session 9"). Every target's settings are still checked beforehand
    /// (<see cref="SettingsCheck"/>); an unknown name is an <see cref="UnknownTargetException"/>.
    /// </param>
    public BackupEnvironment(BackupFunctionsOptions options, ILoggerFactory? loggerFactory = null,
        KeyRing? keys = null, IReadOnlyList<IBackupTarget>? targets = null, bool usesStaging = true,
        IReadOnlyCollection<string>? onlyTargets = null)
    {
        Options = options;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Keys = keys ?? KeyRingLoader.Load(options.Keys);
        Targets = targets ?? BackupTargetFactory.CreateAll(Selected(options.Targets, onlyTargets), LoggerFactory);
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
        var wanted = WantedNames(names);
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

    private static IEnumerable<TargetOptions> Selected(IReadOnlyList<TargetOptions> configured, IReadOnlyCollection<string>? names)
    {
        var wanted = WantedNames(names);
        if (wanted.Count == 0)
        {
            return configured;
        }

        var unknown = wanted.Where(n => !configured.Any(t => t.Name.Trim().Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new UnknownTargetException(unknown, configured.Select(t => t.Name));
        }

        return configured.Where(t => wanted.Contains(t.Name.Trim(), StringComparer.OrdinalIgnoreCase));
    }

    private static List<string> WantedNames(IEnumerable<string>? names) =>
        names?.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList() ?? [];

    public IBackupTarget? FindTarget(string name) =>
        Targets.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
