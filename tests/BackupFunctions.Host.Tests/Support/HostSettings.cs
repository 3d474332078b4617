namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// Settings for a host under test: a control database, a task hub of its own, a random port on 127.0.0.1, test keys,
/// no timers and no product workflows unless a test turns them on. Keys use the configuration path syntax
/// ("BackupFunctions:Control:ConnectionString"); as environment variables ':' becomes '__'.
/// </summary>
public static class HostSettings
{
    public static Dictionary<string, string?> For(string controlConnectionString, string taskHub, bool productWorkflows = false) => new()
    {
        ["BackupFunctions:Control:ConnectionString"] = controlConnectionString,
        ["BackupFunctions:Control:TaskHub"] = taskHub,
        ["BackupFunctions:Host:Urls"] = "http://127.0.0.1:0",
        ["BackupFunctions:Host:RunTimers"] = "false",
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

    /// <summary>A unique task hub name (a letter, then letters, digits, underscores).</summary>
    public static string NewHub(string prefix = "h") => $"{prefix}_{Guid.NewGuid():N}"[..24];
}
