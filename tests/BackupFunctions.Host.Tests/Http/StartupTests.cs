using System.Net;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.TaskHub;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using DurableTask.AzureStorage;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>Settings that must stop the host (with a message that says what to set), and the one that opens it for local use.</summary>
public sealed class StartupTests
{
    // Never connected to: these hosts stop before they start.
    private static string NeverUsedControl => TestServices.PgConnectionString("never_used");

    [Fact]
    public async Task Without_any_key_the_host_refuses_to_start_and_says_how_to_allow_it()
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub())
            .With("BackupFunctions:Keys:FunctionKeys:0", null).With("BackupFunctions:Keys:AdminKeys:0", " ");
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains("BackupFunctions:Host:AllowAnonymous=true", ex.Message);
        Assert.Contains("BackupFunctions:Keys:AdminKeys", ex.Message);
    }

    [Fact]
    public async Task Without_a_control_database_the_host_refuses_to_start()
    {
        var settings = HostSettings.For("", HostSettings.NewHub());
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains("BackupFunctions:Control:ConnectionString", ex.Message);
    }

    [Fact]
    public async Task Without_a_task_hub_connection_string_the_host_refuses_to_start_and_names_both_settings()
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub())
            .With("BackupFunctions:TaskHub:ConnectionString", null)
            .With("AzureWebJobsStorage", "");
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains("BackupFunctions:TaskHub:ConnectionString", ex.Message);
        Assert.Contains("AzureWebJobsStorage", ex.Message);
        Assert.Contains("AccountName", ex.Message);
    }

    [Fact]
    public async Task The_task_hub_connection_falls_back_to_AzureWebJobsStorage_as_in_a_Function_App()
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub())
            .With("BackupFunctions:TaskHub:ConnectionString", null)
            .With("AzureWebJobsStorage", TestServices.AzuriteConnectionString);
        await using var app = TestHost.Build(settings);
        Assert.Equal(TestServices.AzuriteConnectionString, app.Services.GetRequiredService<TaskHubSettings>().ConnectionString);
    }

    [Theory]
    [InlineData("BackupFunctions:TaskHub:HubName", "9-not-a-hub", "9-not-a-hub")]
    [InlineData("BackupFunctions:TaskHub:HubName", "ab", "HubName")]
    [InlineData("BackupFunctions:TaskHub:PartitionCount", "17", "PartitionCount")]
    [InlineData("BackupFunctions:TaskHub:LeaseRenewInterval", "00:00:30", "LeaseRenewInterval must be shorter than LeaseInterval")]
    [InlineData("BackupFunctions:TaskHub:MaxQueuePollingInterval", "00:00:00", "positive")]
    [InlineData("BackupFunctions:TaskHub:MaxConcurrentActivities", "0", "MaxConcurrentActivities")]
    public async Task A_bad_task_hub_setting_stops_the_host_naming_it(string key, string value, string expected)
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub()).With(key, value);
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Engine_tuning_is_read_from_the_task_hub_section()
    {
        var hub = HostSettings.NewHub();
        var settings = HostSettings.For(NeverUsedControl, hub)
            .With("BackupFunctions:TaskHub:PartitionCount", "3")
            .With("BackupFunctions:TaskHub:MaxConcurrentActivities", "3")
            .With("BackupFunctions:TaskHub:MaxConcurrentOrchestrations", "7")
            .With("BackupFunctions:TaskHub:WorkItemVisibilityTimeout", "00:02:00");
        await using var app = TestHost.Build(settings);

        var read = app.Services.GetRequiredService<TaskHubSettings>();
        Assert.Equal(hub, read.HubName);
        Assert.Equal(3, read.PartitionCount);
        Assert.Equal(TimeSpan.FromMilliseconds(100), read.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), read.WorkItemVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), read.LeaseInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), read.LeaseRenewInterval);
        Assert.Equal(TestServices.AzuriteConnectionString, read.ConnectionString);

        // The framework's service is built from them (building it touches no storage).
        var service = app.Services.GetRequiredService<AzureStorageOrchestrationService>();
        Assert.Equal(3, service.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(7, service.MaxConcurrentTaskOrchestrationWorkItems);
    }

    [Fact]
    public async Task AllowAnonymous_with_no_keys_opens_every_route()
    {
        await using var db = await TempDatabase.CreateAsync("anon");
        await using var hub = new TestHub();
        var settings = HostSettings.For(db.ConnectionString, hub.Name)
            .With("BackupFunctions:Keys:FunctionKeys:0", null).With("BackupFunctions:Keys:AdminKeys:0", null)
            .With("BackupFunctions:Host:AllowAnonymous", "true");
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runtime/webhooks/durabletask/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/runtime/webhooks/durabletask/instances/nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/runtime/webhooks/durabletask/instances/nothing/restart", null)).StatusCode);
        // Without the product workflows there is no catalog: a clear 503, not a crash.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/backups")).StatusCode);
    }

    [Fact]
    public void With_the_product_workflows_a_missing_source_key_and_target_are_all_named_at_once()
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub(), productWorkflows: true);
        var ex = Assert.Throws<HostStartupException>(() => TestHost.Build(settings));
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Contains("BackupFunctions:Source:ConnectionString is not set", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("BackupFunctions:Targets is empty", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("No key-encryption key configured", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_of_the_wrong_type_in_the_host_settings_is_named_not_thrown()
    {
        var settings = HostSettings.For(NeverUsedControl, HostSettings.NewHub())
            .With("BackupFunctions:Host:RunTimers", "sometimes")
            .With("BackupFunctions:Host:ReadinessCacheDuration", "-00:00:01")
            .With("BackupFunctions:Host:ReleaseMemoryWhenIdle", "true")
            .With("BackupFunctions:Host:IdleMemoryCheckInterval", "00:00:00");
        var ex = Assert.Throws<HostStartupException>(() => TestHost.Build(settings));
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Contains("IdleMemoryCheckInterval must be positive", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("'BackupFunctions:Host:RunTimers'", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("ReadinessCacheDuration must not be negative", StringComparison.Ordinal));
    }
}
