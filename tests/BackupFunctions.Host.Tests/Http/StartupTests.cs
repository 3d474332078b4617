using Microsoft.Extensions.DependencyInjection;
using System.Net;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Tests.Support;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>Settings that must stop the host, and the one that opens it for local use.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Without_any_key_the_host_refuses_to_start_and_says_how_to_allow_it()
    {
        var settings = HostSettings.For(TestServices_Control, HostSettings.NewHub())
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
    public async Task A_bad_custom_handler_port_is_named()
    {
        var settings = HostSettings.For(TestServices_Control, HostSettings.NewHub()).With("FUNCTIONS_CUSTOMHANDLER_PORT", "http");
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", ex.Message);
    }

    [Fact]
    public async Task AllowAnonymous_with_no_keys_opens_every_route()
    {
        await using var db = await BackupFunctions.Testing.TempDatabase.CreateAsync("anon");
        var settings = HostSettings.For(db.ConnectionString, HostSettings.NewHub())
            .With("BackupFunctions:Keys:FunctionKeys:0", null).With("BackupFunctions:Keys:AdminKeys:0", null)
            .With("BackupFunctions:Host:AllowAnonymous", "true");
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runtime/webhooks/durabletask/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/runtime/webhooks/durabletask/instances/nothing")).StatusCode);
        // Without the product workflows there is no catalog: a clear 503, not a crash.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/backups")).StatusCode);
    }

    [Fact]
    public async Task A_bad_task_hub_name_stops_the_host_with_the_engine_message()
    {
        var settings = HostSettings.For(TestServices_Control, "9-not-a-hub");
        var ex = await Assert.ThrowsAsync<HostStartupException>(() => TestHost.StartAsync(settings));
        Assert.Contains("9-not-a-hub", ex.Message);
    }

    [Fact]
    public async Task Engine_tuning_is_read_from_the_durable_section()
    {
        await using var db = await BackupFunctions.Testing.TempDatabase.CreateAsync("tuning");
        var settings = HostSettings.For(db.ConnectionString, HostSettings.NewHub())
            .With("BackupFunctions:Host:Durable:LeaseTime", "00:00:05")
            .With("BackupFunctions:Host:Durable:MaxConcurrentActivities", "3")
            .With("BackupFunctions:Host:Durable:ConnectionString", "ignored: the control database is the store");
        await using var host = await TestHost.StartAsync(settings);
        var options = host.Services.GetRequiredService<BackupFunctions.Durable.DurableTaskOptions>();
        Assert.Equal(TimeSpan.FromSeconds(5), options.LeaseTime);
        Assert.Equal(3, options.MaxConcurrentActivities);
        Assert.Equal(db.ConnectionString, options.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownGracePeriod); // half of Host:ShutdownTimeout (10 s in tests)
    }

    // Never connected to: these hosts stop before they start.
    private static string TestServices_Control => BackupFunctions.Testing.TestServices.PgConnectionString("never_used");
}
