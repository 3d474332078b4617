using System.Text.Json;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl's runtime settings for a short-lived process on a small machine (BackupFunctions.Cli.csproj,
/// docs/benchmarks.md "session 9: the backup's own CPU" and session 10): no dynamic-PGO instrumentation, no spinning idle
/// thread-pool workers, and no tier-1 recompiles while a backup is still starting its stages. They live in backupctl.runtimeconfig.json, which the tests' own runs of backupctl use too.
/// </summary>
public sealed class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "backupctl.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing: the test project no longer copies backupctl's runtime settings.");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Backupctl_turns_dynamic_pgo_off()
    {
        var properties = ConfigProperties();
        Assert.True(properties.TryGetProperty("System.Runtime.TieredPGO", out var pgo), properties.ToString());
        Assert.Equal(JsonValueKind.False, pgo.ValueKind);
    }

    [Fact]
    public void Backupctl_thread_pool_workers_sleep_without_spinning()
    {
        var properties = ConfigProperties();
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spin), properties.ToString());
        // MSBuild writes the item's value as given: a string or a number, both read as 0 by the runtime.
        var value = spin.ValueKind == JsonValueKind.String ? int.Parse(spin.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : spin.GetInt32();
        Assert.Equal(0, value);
    }

    [Fact]
    public void Backupctl_delays_tier1_recompiles_past_a_backups_start_up()
    {
        var properties = ConfigProperties();
        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs", out var delay), properties.ToString());
        var ms = delay.ValueKind == JsonValueKind.String ? int.Parse(delay.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : delay.GetInt32();
        // The runtime's default is 100 ms; a backup's stages keep starting for seconds.
        Assert.InRange(ms, 1000, 10_000);
    }
}
