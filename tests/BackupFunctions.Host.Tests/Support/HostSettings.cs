using BackupFunctions.Testing;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// Settings for a host under test: a control database, a task hub of its own on Azurite (tuned so a fresh hub starts
/// quickly and a killed host's work comes back in seconds), a random port on 127.0.0.1, test keys, no timers and no
/// product workflows unless a test turns them on. Keys use the configuration path syntax
/// ("BackupFunctions:Control:ConnectionString"); as environment variables ':' becomes '__'.
/// </summary>
public static class HostSettings
{
    public const string HubNameKey = "BackupFunctions:TaskHub:HubName";

    public static Dictionary<string, string?> For(string controlConnectionString, string taskHub, bool productWorkflows = false) => new()
    {
        ["BackupFunctions:Control:ConnectionString"] = controlConnectionString,
        ["BackupFunctions:TaskHub:ConnectionString"] = TestServices.AzuriteConnectionString,
        [HubNameKey] = taskHub,
        ["BackupFunctions:TaskHub:PartitionCount"] = "2",
        ["BackupFunctions:TaskHub:MaxQueuePollingInterval"] = "00:00:00.100",
        ["BackupFunctions:TaskHub:LeaseInterval"] = "00:00:10",
        ["BackupFunctions:TaskHub:LeaseRenewInterval"] = "00:00:03",
        ["BackupFunctions:TaskHub:LeaseAcquireInterval"] = "00:00:02",
        ["BackupFunctions:TaskHub:WorkItemVisibilityTimeout"] = "00:00:10",
        ["BackupFunctions:TaskHub:ControlQueueVisibilityTimeout"] = "00:00:10",
        ["BackupFunctions:Host:Urls"] = "http://127.0.0.1:0",
        ["BackupFunctions:Host:RunTimers"] = "false",
        // Tests run many hosts in one process: a compacting GC each time one goes idle would pause every other test's host.
        // IdleMemoryReleaseTests covers the release itself.
        ["BackupFunctions:Host:ReleaseMemoryWhenIdle"] = "false",
        ["BackupFunctions:Host:RegisterProductWorkflows"] = productWorkflows ? "true" : "false",
        ["BackupFunctions:Host:ShutdownTimeout"] = "00:00:10",
        ["BackupFunctions:Keys:FunctionKeys:0"] = TestKeys.Function,
        ["BackupFunctions:Keys:AdminKeys:0"] = TestKeys.Admin,
    };

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }

    /// <summary>
    /// A task hub name no other test uses, so tests never share queues: a letter, then letters and digits (it prefixes
    /// Azure Storage queue, table and container names), 24 characters.
    /// </summary>
    public static string NewHub(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..24];
}
