using System.Text.Json;
using BackupFunctions.Host.Schedules;

namespace BackupFunctions.Host.Tests.Unit;

/// <summary>
/// The build output is a Function App: host.json runs this host as a custom handler with forwarding, and every
/// schedule has a timer function whose name and cron setting match what the handler serves.
/// </summary>
public sealed class FunctionAppLayoutTests
{
    private static JsonElement Read(params string[] path) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine([AppContext.BaseDirectory, .. path]))).RootElement;

    [Fact]
    public void Host_json_runs_the_host_as_a_custom_handler_with_forwarding()
    {
        var host = Read("host.json");
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("BackupFunctions.Host", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Contains("--custom-handler", handler.GetProperty("description").GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Each_schedule_has_a_timer_function_reading_its_cron_setting(string schedule)
    {
        var binding = Assert.Single(Read($"{schedule}Timer", "function.json").GetProperty("bindings").EnumerateArray());
        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("in", binding.GetProperty("direction").GetString());
        Assert.Equal($"%BackupFunctions__Schedules__{schedule}__Cron%", binding.GetProperty("schedule").GetString());
        Assert.False(binding.GetProperty("runOnStartup").GetBoolean());
    }

    [Theory]
    [InlineData("StartBackup", "post", "backups")]
    [InlineData("StartRestore", "post", "restores")]
    [InlineData("StartDisasterRecovery", "post", "dr")]
    [InlineData("ListBackups", "get", "backups")]
    [InlineData("GetBackup", "get", "backups/{id}")]
    [InlineData("ListRestores", "get", "restores")]
    [InlineData("ListAlerts", "get", "alerts")]
    [InlineData("AckAlert", "post", "alerts/{id}/ack")]
    [InlineData("Health", "get", "health")]
    [InlineData("DurableTaskManagement", "delete", "durabletask/instances/{*rest}")]
    public void Http_functions_forward_their_routes_to_the_host(string function, string method, string route)
    {
        var bindings = Read(function, "function.json").GetProperty("bindings").EnumerateArray().ToList();
        var trigger = Assert.Single(bindings, b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Contains(method, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        // The host checks keys itself, with the same x-functions-key / ?code= rules.
        Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Single(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
    }

    public static TheoryData<string> Schedules() => new(ScheduleName.DefaultCron.Keys);
}
