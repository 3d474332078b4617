using System.CommandLine;
using System.Globalization;
using BackupFunctions.Workflows.Pitr;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl restore --pitr TIME|latest --to-datadir DIR --port N: the point-in-time half of the restore command.</summary>
public sealed class PitrRestoreOptions
{
    private readonly Option<string?> _pitr = new("--pitr")
    {
        Description = "Point-in-time restore of the whole cluster: an ISO 8601 time with offset (2026-11-24T10:15:00Z), or 'latest'.",
    };

    private readonly Option<string?> _dataDirectory = new("--to-datadir") { Description = "With --pitr: a new or empty directory for the restored cluster." };
    private readonly Option<int> _port = new("--port") { Description = "With --pitr: the port the restored server listens on (127.0.0.1).", DefaultValueFactory = _ => 5433 };
    private readonly Option<string?> _runAs = new("--run-as") { Description = "With --pitr, when run as root: the OS user that owns the directory and runs the server (e.g. postgres)." };
    private readonly Option<string?> _backupctl = new("--backupctl") { Description = "With --pitr: how the server calls backupctl in restore_command (default: this program)." };
    private readonly Option<bool> _stop = new("--stop") { Description = "With --pitr: stop the restored server after the checks (default: leave it running)." };
    private readonly Option<int> _timeoutMinutes = new("--timeout-minutes") { Description = "With --pitr: how long recovery may take.", DefaultValueFactory = _ => 30 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _pitr, _dataDirectory, _port, _runAs, _backupctl, _stop, _timeoutMinutes }) command.Options.Add(o);
    }

    public bool IsRequested(ParseResult parse) => parse.GetValue(_pitr) is not null;

    public async Task<int> RunAsync(CommandContext ctx, ParseResult parse, string? configPath, CancellationToken ct)
    {
        var target = ParseTarget(parse.GetValue(_pitr)!);
        var dataDirectory = parse.GetValue(_dataDirectory) ?? throw new UsageException("--pitr needs --to-datadir DIR: a new or empty directory for the restored cluster.");
        var port = parse.GetValue(_port);
        if (port is < 1 or > 65535) throw new UsageException($"--port {port} is not a TCP port.");
        var env = ctx.CreateEnvironment(forBackups: false);
        var request = new PitrRestoreRequest(target, dataDirectory, port, PitrWalCache.RestoreCommand(WalFetch(parse.GetValue(_backupctl), configPath), dataDirectory),
            parse.GetValue(_runAs), TimeSpan.FromMinutes(parse.GetValue(_timeoutMinutes)));
        ctx.Output.Step($"point-in-time restore to {(target is null ? "the latest archived WAL" : target.Value.ToString("O", CultureInfo.InvariantCulture))} into {request.DataDirectory}");
        // Before the cache exists: the finally below deletes only a cache this run made.
        PitrDataDirectory.EnsureEmpty(Path.GetFullPath(dataDirectory));
        try
        {
            await PitrWalCache.CreateAsync(dataDirectory, request.RunAsUser, ct);
            var result = await new PitrRestoreRunner(env).RunAsync(request, new SynchronousProgress<string>(ctx.Output.Step), parse.GetValue(_stop), ct);
            Render(ctx, result);
            return ExitCodes.Success;
        }
        finally
        {
            PitrWalCache.Delete(dataDirectory);
        }
    }

    private static DateTimeOffset? ParseTarget(string value) => PitrTargetTime.TryParse(value, out var target) ? target
        : throw new UsageException($"--pitr '{value}' is not a time with an offset (e.g. 2026-11-24T10:15:00Z or 2026-11-24T11:15:00+01:00) nor 'latest'.");

    /// <summary>backupctl wal fetch with this run's settings file, so the server finds the same archive and keys.</summary>
    private static string WalFetch(string? backupctl, string? configPath)
    {
        var program = backupctl ?? DefaultInvocation();
        var config = configPath ?? Environment.GetEnvironmentVariable(CliConfiguration.ConfigEnvVar)
            ?? (File.Exists(CliConfiguration.DefaultFileName) ? CliConfiguration.DefaultFileName : null);
        var configArg = config is null ? "" : " --config " + RecoveryConfig.ShellQuote(Path.GetFullPath(config));
        return $"{program} wal fetch{configArg}";
    }

    private static string DefaultInvocation()
    {
        var process = Environment.ProcessPath ?? "backupctl";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? $"{RecoveryConfig.ShellQuote(process)} {RecoveryConfig.ShellQuote(Path.Combine(AppContext.BaseDirectory, "backupctl.dll"))}"
            : RecoveryConfig.ShellQuote(process);
    }

    private static void Render(CommandContext ctx, PitrRestoreResult r)
    {
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(new
            {
                ok = true,
                r.BaseBackupId,
                r.ServedBy,
                r.TargetTime,
                r.DataDirectory,
                r.Port,
                r.LastReplayedTransaction,
                r.Timeline,
                r.Database,
                rowCounts = r.RowCounts,
                layDownSeconds = Math.Round(r.LayDownDuration.TotalSeconds, 2),
                recoverySeconds = Math.Round(r.RecoveryDuration.TotalSeconds, 2),
            });
            return;
        }

        var table = new Table().Title($"{r.Database} on the restored server (127.0.0.1:{r.Port})").AddColumn("table").AddColumn(new TableColumn("rows").RightAligned());
        foreach (var (name, count) in r.RowCounts) table.AddRow(Markup.Escape(name), count.ToString(CultureInfo.InvariantCulture));
        ctx.Output.Console.Write(table);
        ctx.Output.Console.WriteLine(
            $"restored {r.BaseBackupId} (from {r.ServedBy}) + WAL to {(r.TargetTime is null ? "the end of the archive" : r.TargetTime.Value.ToString("O", CultureInfo.InvariantCulture))}; " +
            $"last replayed commit {r.LastReplayedTransaction?.ToString("O", CultureInfo.InvariantCulture) ?? "none"}, now on timeline {r.Timeline}; " +
            $"laid down in {r.LayDownDuration.TotalSeconds:F1} s, recovered in {r.RecoveryDuration.TotalSeconds:F1} s; data directory {r.DataDirectory}");
    }
}
