using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class ScheduleCatalogTests
{
    private static ScheduleCatalog Catalog(Dictionary<string, string?> settings) =>
        ScheduleCatalog.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Defaults_are_the_design_crons_mapped_to_their_orchestrations()
    {
        var catalog = Catalog([]);
        var map = catalog.All.ToDictionary(s => s.Name);
        Assert.Equal(8, map.Count);
        Assert.All(catalog.All, s => Assert.True(s.Enabled));
        Assert.Equal("0 0 2 * * *", map[ScheduleName.FullBackup].Cron.Expression);
        Assert.Equal(OrchestrationNames.FullBackup, map[ScheduleName.FullBackup].Orchestration);
        Assert.Equal(OrchestrationNames.TenantBackup, map[ScheduleName.TenantBackup].Orchestration);
        Assert.Equal(OrchestrationNames.FilesBackup, map[ScheduleName.FilesBackup].Orchestration);
        Assert.Equal(OrchestrationNames.VerifyIntegrity, map[ScheduleName.IntegrityCheck].Orchestration);
        Assert.Equal(OrchestrationNames.Retention, map[ScheduleName.Retention].Orchestration);
        Assert.Equal(OrchestrationNames.TestRestore, map[ScheduleName.TestRestore].Orchestration);
        Assert.Equal(OrchestrationNames.BaseBackup, map[ScheduleName.BaseBackup].Orchestration);
        Assert.Equal(OrchestrationNames.WalArchivingCheck, map[ScheduleName.WalArchivingCheck].Orchestration);
    }

    [Fact]
    public void Each_schedule_can_be_changed_and_disabled()
    {
        var catalog = Catalog(new()
        {
            ["BackupFunctions:Schedules:FullBackup:Cron"] = "0 15 1 * * *",
            ["BackupFunctions:Schedules:Retention:Enabled"] = "false",
            ["BackupFunctions:Schedules:Retention:RunMissedOnStartup"] = "false",
        });
        var full = catalog.All.Single(s => s.Name == ScheduleName.FullBackup);
        Assert.Equal("0 15 1 * * *", full.Cron.Expression);
        var retention = catalog.All.Single(s => s.Name == ScheduleName.Retention);
        Assert.False(retention.Enabled);
        Assert.False(retention.RunMissedOnStartup);
    }

    [Fact]
    public void A_bad_expression_stops_the_host_naming_the_setting()
    {
        var ex = Assert.Throws<HostStartupException>(() => Catalog(new() { ["BackupFunctions:Schedules:TestRestore:Cron"] = "0 5 1 * *" }));
        Assert.Contains("BackupFunctions:Schedules:TestRestore:Cron", ex.Message);
        Assert.Contains("expected 6", ex.Message);
    }
}
