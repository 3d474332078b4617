using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// The deployable zip is a working Function App: functions.metadata lists every timer with its schedule setting,
/// every route of docs/http-api.md with its methods and key level, and a function for every orchestrator and
/// activity the Workflows register; host.json is the Durable Functions one.
/// </summary>
// One collection: each class's fixture would otherwise publish the same zip at the same time.
[Collection(nameof(FunctionAppPackage))]
public sealed class FunctionAppPackageTests(FunctionAppPackage package) : IClassFixture<FunctionAppPackage>
{
    public static TheoryData<string, string> Timers => new()
    {
        { "FullBackupTimer", "%FullBackupSchedule%" },
        { "TenantBackupTimer", "%TenantBackupSchedule%" },
        { "FilesBackupTimer", "%FilesBackupSchedule%" },
        { "IntegrityCheckTimer", "%IntegrityCheckSchedule%" },
        { "RetentionTimer", "%RetentionSchedule%" },
        { "TestRestoreTimer", "%TestRestoreSchedule%" },
        { "BaseBackupTimer", "%BaseBackupSchedule%" },
        { "WalArchivingCheckTimer", "%WalArchivingCheckSchedule%" },
        // Not a schedule: renews the per-database admission slots each minute (the durable client reads their runs).
        { "AdmissionLeaseTimer", "0 * * * * *" },
    };

    /// <summary>docs/http-api.md: restores, DR and acknowledging or resolving an alert need the admin key; health needs none.</summary>
    public static TheoryData<string, string, string, string, bool> Routes => new()
    {
        { "StartBackup", "post", "backups", "function", true },
        { "StartRestore", "post", "restores", "admin", true },
        { "StartDisasterRecovery", "post", "dr", "admin", true },
        { "StartBaseBackup", "post", "basebackups", "function", true },
        { "StartPitrRestore", "post", "restores/pitr", "admin", false },
        { "ListBackups", "get", "backups", "function", false },
        { "GetBackup", "get", "backups/{backupId}", "function", false },
        { "ListBackupVerifications", "get", "backups/{backupId}/verifications", "function", false },
        { "GetBackupManifest", "get", "backups/{backupId}/manifest", "function", false },
        { "ListRestores", "get", "restores", "function", false },
        { "ListAlerts", "get", "alerts", "function", false },
        { "AckAlert", "post", "alerts/{alertId}/ack", "admin", false },
        { "ResolveAlertById", "post", "alerts/{alertId}/resolve", "admin", false },
        { "Health", "get", "health", "anonymous", false },
    };

    [Theory]
    [MemberData(nameof(Timers))]
    public void Every_schedule_is_a_timer_on_its_app_setting_that_can_start_orchestrations(string function, string schedule)
    {
        var entry = Single(function);
        var timer = entry.Binding("timerTrigger");
        Assert.True(timer is not null, $"{function} has no timerTrigger binding.");
        Assert.Equal(schedule, FunctionEntry.Text(timer.Value, "schedule"));
        Assert.True(entry.Has("durableClient"), $"{function} has no durableClient binding to start its orchestration with.");
    }

    [Fact]
    public void There_are_no_other_timers()
    {
        var expected = Timers.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        var actual = package.Functions.Where(f => f.Has("timerTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Every_route_has_its_method_and_key_level(string function, string method, string route, string authLevel, bool starts)
    {
        var entry = Single(function);
        var http = entry.Binding("httpTrigger");
        Assert.True(http is not null, $"{function} has no httpTrigger binding.");
        Assert.Equal(route, FunctionEntry.Text(http.Value, "route"));
        Assert.Equal(authLevel, FunctionEntry.Text(http.Value, "authLevel")?.ToLowerInvariant());
        var methods = http.Value.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).ToList();
        Assert.Equal([method], methods);
        Assert.Equal(starts, entry.Has("durableClient"));
    }

    [Fact]
    public void There_are_no_other_routes_and_no_two_answer_the_same_request()
    {
        var expected = Routes.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        var http = package.Functions.Where(f => f.Has("httpTrigger")).ToList();
        Assert.Equal(expected, http.Select(f => f.Name).Order(StringComparer.Ordinal));

        var requests = http.SelectMany(f =>
        {
            var binding = f.Binding("httpTrigger")!.Value;
            var route = FunctionEntry.Text(binding, "route");
            return binding.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} {route}");
        }).ToList();
        Assert.Equal(requests.Count, requests.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Every_orchestrator_of_the_workflows_has_an_orchestration_trigger_of_its_name()
    {
        // The scan must find the orchestrations the starters and timers name, or it would prove nothing.
        var named = typeof(OrchestrationNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Where(name => name != OrchestrationNames.PitrRestore) // self-hosted only: the Function App answers its route with a 501
            .ToList();
        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.Contains(name, WorkflowTypes.OrchestratorNames));

        var missing = WorkflowTypes.OrchestratorNames
            .Where(name => !package.Functions.Any(f => f.Name == name && f.Has("orchestrationTrigger")))
            .ToList();
        Assert.True(missing.Count == 0, $"No orchestrator function for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Every_activity_of_the_workflows_has_an_activity_trigger_of_its_name()
    {
        Assert.Contains("PreflightSource", WorkflowTypes.ActivityNames);
        var missing = WorkflowTypes.ActivityNames
            .Where(name => !package.Functions.Any(f => f.Name == name && f.Has("activityTrigger")))
            .ToList();
        Assert.True(missing.Count == 0, $"No activity function for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Every_durable_function_wraps_a_workflows_class()
    {
        var orchestrators = package.Functions.Where(f => f.Has("orchestrationTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);
        var activities = package.Functions.Where(f => f.Has("activityTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);
        Assert.Equal(WorkflowTypes.OrchestratorNames, orchestrators);
        Assert.Equal(WorkflowTypes.ActivityNames, activities);
    }

    [Fact]
    public void Function_names_are_unique()
    {
        var names = package.Functions.Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Host_json_is_the_durable_functions_app_s()
    {
        var host = package.HostJson;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _), "host.json still has a customHandler section.");
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());

        var durable = host.GetProperty("extensions").GetProperty("durableTask");
        Assert.False(string.IsNullOrWhiteSpace(durable.GetProperty("hubName").GetString()));
        var storage = durable.GetProperty("storageProvider");
        Assert.InRange(storage.GetProperty("partitionCount").GetInt32(), 1, 16);
        Assert.True(TimeSpan.TryParse(storage.GetProperty("maxQueuePollingInterval").GetString(), CultureInfo.InvariantCulture, out var polling));
        Assert.True(polling > TimeSpan.Zero);
    }

    [Fact]
    public void Function_timeout_is_bounded_and_outlasts_the_activity_deadline()
    {
        // "-1" (unbounded) is refused on the Consumption plan; Flex Consumption and Elastic Premium take a bound.
        // The bound must exceed the activities' own default deadline, so that the Workflows' retryable timeout ends
        // a hung attempt rather than the host, which would recycle the worker and everything running in it.
        var text = package.HostJson.GetProperty("functionTimeout").GetString();
        Assert.True(TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout), $"functionTimeout '{text}' is not a time span.");
        Assert.True(timeout > TimeSpan.Zero, $"functionTimeout '{text}' is not bounded.");
        Assert.True(timeout > new ActivityOptions().Timeout,
            $"functionTimeout {timeout} does not outlast the default activity deadline {new ActivityOptions().Timeout}.");
    }

    [Fact]
    public void The_zip_holds_the_worker_and_the_host_side_durable_extension()
    {
        Assert.Contains("BackupFunctions.Functions.dll", package.Entries);
        Assert.Contains("host.json", package.Entries);
        Assert.Contains(".azurefunctions/Microsoft.Azure.WebJobs.Extensions.DurableTask.dll", package.Entries);

        using var zip = ZipFile.OpenRead(package.ZipPath);
        using var worker = JsonDocument.Parse(zip.GetEntry("worker.config.json")!.Open());
        var description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("BackupFunctions.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());

        using var extensions = JsonDocument.Parse(zip.GetEntry("extensions.json")!.Open());
        Assert.Contains(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "DurableTask");
    }

    private FunctionEntry Single(string name)
    {
        var matches = package.Functions.Where(f => f.Name == name).ToList();
        Assert.True(matches.Count == 1, $"functions.metadata has {matches.Count} functions named {name}.");
        return matches[0];
    }
}
