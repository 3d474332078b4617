using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Security;
using BackupFunctions.Host.TaskHub;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Hosting;

/// <summary>Every settings section the host reads, bound and checked before anything starts.</summary>
internal sealed record HostSettingsReader(
    BackupHostOptions Host, FunctionKeyOptions Keys, TaskHubSettings TaskHub, BackupFunctionsOptions Product, ScheduleCatalog Schedules)
{
    /// <summary>
    /// Binds and checks all of it, and lists every problem at once (a value of the wrong type, a missing key file, an
    /// unknown target type, ...), so one restart fixes them all and the host never starts "ready" with settings every
    /// run would fail on.
    /// </summary>
    /// <exception cref="HostStartupException">At least one problem; <see cref="HostStartupException.Problems"/> has each.</exception>
    public static HostSettingsReader Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        var host = SettingsBinder.Bind<BackupHostOptions>(configuration.GetSection(BackupHostOptions.SectionName), problems);
        var keys = SettingsBinder.Bind<FunctionKeyOptions>(configuration.GetSection("BackupFunctions:Keys"), problems);
        var taskHub = SettingsBinder.Bind<TaskHubSettings>(configuration.GetSection(TaskHubSettings.SectionName), problems);
        if (string.IsNullOrWhiteSpace(taskHub.ConnectionString))
        {
            // The Functions convention, so one setting serves the Function App and a self-hosted host on the same hub.
            taskHub.ConnectionString = configuration["AzureWebJobsStorage"];
        }

        var product = SettingsBinder.BindProduct(configuration, problems);
        ScheduleCatalog? schedules = null;
        try
        {
            schedules = ScheduleCatalog.FromConfiguration(configuration);
        }
        catch (Exception e) when (e is HostStartupException or InvalidOperationException)
        {
            problems.Add(e.Message);
        }

        problems.AddRange(HostProblems(host, keys, product.Control, taskHub));
        if (host.RegisterProductWorkflows)
        {
            // The product's work runs here: backups on the schedules and on request, so the source and a current key too.
            problems.AddRange(SettingsCheck.Problems(product, forBackups: true));
        }

        if (problems.Count > 0)
        {
            throw new HostStartupException(problems);
        }

        return new HostSettingsReader(host, keys, taskHub, product, schedules!);
    }

    private static IEnumerable<string> HostProblems(BackupHostOptions host, FunctionKeyOptions keys, ControlOptions control, TaskHubSettings taskHub)
    {
        var anyKey = keys.FunctionKeys.Concat(keys.AdminKeys).Any(k => !string.IsNullOrWhiteSpace(k));
        if (!anyKey && !host.AllowAnonymous)
        {
            yield return "No keys are configured, so every route would be open. Set BackupFunctions:Keys:FunctionKeys:0 and " +
                "BackupFunctions:Keys:AdminKeys:0 (env: BackupFunctions__Keys__AdminKeys__0), or, for local use only, " +
                "BackupFunctions:Host:AllowAnonymous=true.";
        }

        if (string.IsNullOrWhiteSpace(control.ConnectionString))
        {
            yield return "BackupFunctions:Control:ConnectionString is not set: give the Npgsql connection string of the control database " +
                "(it holds the catalog and the schedules' state; it may be the backed-up server, in its own database).";
        }

        if (host.ReadinessCacheDuration < TimeSpan.Zero)
        {
            yield return $"{BackupHostOptions.SectionName}:ReadinessCacheDuration must not be negative (default 00:00:05).";
        }

        if (host.ReleaseMemoryWhenIdle && host.IdleMemoryCheckInterval <= TimeSpan.Zero)
        {
            yield return $"{BackupHostOptions.SectionName}:IdleMemoryCheckInterval must be positive (default 00:00:01), or set ReleaseMemoryWhenIdle=false.";
        }

        foreach (var problem in taskHub.Validate())
        {
            yield return problem;
        }
    }
}
