using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Unit;

/// <summary>The self-hosted host hands its configured schedules to the dead-man check, with its own start time.</summary>
public sealed class ScheduleWatchWiringTests
{
    [Fact]
    public async Task The_host_watches_its_enabled_work_schedules_with_their_configured_crons_and_its_start()
    {
        await using var hub = new TestHub();
        var settings = HostSettings.For("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2", hub.Name)
            .With("BackupFunctions:Source:ConnectionString", "Host=127.0.0.1;Port=1;Database=appdb;Username=nobody")
            .With("BackupFunctions:Schedules:FullBackup:Cron", "0 30 1 * * *")
            .With("BackupFunctions:Schedules:TestRestore:Enabled", "false")
            .With("BackupFunctions:Tenants:TenantIds:0", "acme");
        await using var app = TestHost.Build(settings);
        var watch = app.Services.GetRequiredService<ScheduleWatch>();

        // Full backup of the connection string's database, the tenant, and nothing else: test restore is disabled,
        // files has no paths, PITR is off (no base backups), and the checks and retention are not work to watch.
        Assert.Equal(["schedule.missed:FullBackup", "schedule.missed:TenantBackup:acme"], watch.Schedules.Select(s => s.AlertKey));
        var full = watch.Schedules[0];
        Assert.Equal("0 30 1 * * *", full.Cron.Expression);
        Assert.Equal(new ScheduledWork(ScheduledWork.Backup, "full", "appdb"), full.Work);
        Assert.NotNull(watch.HostStartedAt);
        Assert.True(watch.HostStartedAt <= DateTimeOffset.UtcNow);
    }
}
