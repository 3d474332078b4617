using BackupFunctions.Cli.Output;
using BackupFunctions.Targets;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Cli;

/// <summary>What every command gets: its output, and the environment built from the settings.</summary>
public sealed class CommandContext(string? configPath, bool json, bool verbose) : IDisposable
{
    private ILoggerFactory? _loggerFactory;

    public CliOutput Output { get; } = new(json);

    /// <summary>-v: each step is logged to stderr.</summary>
    public bool Verbose => verbose;

    /// <summary>--config as given (null: $BACKUPFUNCTIONS_CONFIG or ./backupfunctions.json).</summary>
    public string? ConfigPath => configPath;

    /// <summary>
    /// Reads and checks the settings before anything is contacted; every problem is listed at once (exit 2).
    /// </summary>
    /// <param name="forBackups">
    /// True for commands that back up (a source server and a current key are needed); false for those that only read
    /// the targets (list, verify, restore, dr), which run on a DR machine that has no source.
    /// </param>
    public BackupFunctionsOptions LoadOptions(bool forBackups = true)
    {
        var problems = new List<string>();
        StartupTrace.Mark("command started");
        var options = CliConfiguration.Load(configPath, problems);
        StartupTrace.Mark("settings bound");
        problems.AddRange(SettingsCheck.Problems(options, forBackups));
        if (problems.Count > 0)
        {
            throw new UsageException("The configuration is incomplete or invalid:\n  - " + string.Join("\n  - ", problems));
        }

        StartupTrace.Mark("settings checked");
        return options;
    }

    /// <param name="usesStaging">False for commands that stage nothing (wal push/fetch): the staging directory is then not touched.</param>
    /// <param name="onlyTargets">The targets the command names (e.g. backup --targets): only these are built; none means all.</param>
    public BackupEnvironment CreateEnvironment(bool forBackups = true, bool usesStaging = true, IReadOnlyCollection<string>? onlyTargets = null)
    {
        var options = LoadOptions(forBackups);
        var minimum = verbose ? LogLevel.Information : LogLevel.Warning;
        _loggerFactory = new DeferredLoggerFactory(minimum, () => LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            // Logs go to stderr so stdout carries only the result (table or JSON).
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(minimum)));
        StartupTrace.Mark("loggers created");
        try
        {
            var environment = new BackupEnvironment(options, _loggerFactory, usesStaging: usesStaging, onlyTargets: onlyTargets);
            StartupTrace.Mark("environment built");
            return environment;
        }
        // Nothing has been contacted yet: an invalid target setting here is bad configuration (exit 2, as documented), not a failed run.
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or TargetConfigurationException)
        {
            throw new UsageException(e.Message);
        }
    }

    public ILoggerFactory? Loggers => _loggerFactory;

    public void Dispose() => _loggerFactory?.Dispose();
}
