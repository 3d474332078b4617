using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Tests.Schedules;

public sealed class ScheduleTargetTests
{
    private static IReadOnlyList<ScheduledUnit> Units(string schedule, BackupFunctionsOptions options) => ScheduleTarget.For(schedule).Units(options);

    [Theory]
    [InlineData(ScheduleName.FullBackup, OrchestrationNames.FullBackup)]
    [InlineData(ScheduleName.TenantBackup, OrchestrationNames.TenantBackup)]
    [InlineData(ScheduleName.FilesBackup, OrchestrationNames.FilesBackup)]
    [InlineData(ScheduleName.IntegrityCheck, OrchestrationNames.VerifyIntegrity)]
    [InlineData(ScheduleName.Retention, OrchestrationNames.Retention)]
    [InlineData(ScheduleName.TestRestore, OrchestrationNames.TestRestore)]
    [InlineData(ScheduleName.BaseBackup, OrchestrationNames.BaseBackup)]
    [InlineData(ScheduleName.WalArchivingCheck, OrchestrationNames.WalArchivingCheck)]
    public void Each_schedule_starts_its_orchestration(string schedule, string orchestration)
    {
        Assert.Equal(orchestration, ScheduleTarget.For(schedule).Orchestration);
    }

    [Theory]
    [InlineData(ScheduleName.BaseBackup)]
    [InlineData(ScheduleName.WalArchivingCheck)]
    public void The_pitr_schedules_start_one_unit_only_where_pitr_is_enabled(string schedule)
    {
        Assert.Empty(Units(schedule, new BackupFunctionsOptions()));
        var unit = Assert.Single(Units(schedule, new BackupFunctionsOptions { Pitr = new PitrOptions { Enabled = true } }));
        Assert.Null(unit.Key);
    }

    [Fact]
    public void A_name_that_is_not_a_schedule_has_no_target()
    {
        Assert.Throws<InvalidOperationException>(() => ScheduleTarget.For("Vacuum"));
    }

    [Fact]
    public void Full_backups_and_test_restores_run_once_per_configured_database()
    {
        var options = new BackupFunctionsOptions { Source = { Databases = ["app", "crm", "app", " "] } };
        var full = Units(ScheduleName.FullBackup, options);
        Assert.Equal(["app", "crm"], full.Select(u => u.Key));
        Assert.Equal(["app", "crm"], full.Select(u => ((BackupRequest)u.Input!).Database));
        Assert.All(full, u => Assert.Equal(BackupKinds.Full, ((BackupRequest)u.Input!).Kind));

        var test = Units(ScheduleName.TestRestore, options);
        Assert.Equal(["app", "crm"], test.Select(u => ((RestoreRequest)u.Input!).Database));
        Assert.All(test, u => Assert.Equal("latest", ((RestoreRequest)u.Input!).BackupId));
    }

    [Fact]
    public void With_no_database_configured_one_unit_backs_up_the_connection_strings_database()
    {
        var unit = Assert.Single(Units(ScheduleName.FullBackup, new BackupFunctionsOptions()));
        Assert.Null(unit.Key);
        Assert.Null(((BackupRequest)unit.Input!).Database);
    }

    [Fact]
    public void Tenant_backups_run_per_tenant_and_not_at_all_without_tenants()
    {
        Assert.Empty(Units(ScheduleName.TenantBackup, new BackupFunctionsOptions()));

        var units = Units(ScheduleName.TenantBackup, new BackupFunctionsOptions { Tenants = { TenantIds = ["t1", "t2"] } });
        Assert.Equal(["t1", "t2"], units.Select(u => u.Key));
        Assert.All(units, u => Assert.Equal(BackupKinds.Tenant, ((BackupRequest)u.Input!).Kind));
        Assert.Equal(["t1", "t2"], units.Select(u => ((BackupRequest)u.Input!).TenantId));
    }

    [Fact]
    public void A_tenant_listed_twice_or_blank_is_not_a_unit_of_its_own()
    {
        var units = Units(ScheduleName.TenantBackup, new BackupFunctionsOptions { Tenants = { TenantIds = ["t1", "t2", "t1", " "] } });
        Assert.Equal(["t1", "t2"], units.Select(u => u.Key));
    }

    [Fact]
    public void Full_backups_and_test_restores_run_per_database_and_tenant_backups_per_tenant()
    {
        var none = new BackupFunctionsOptions();
        var configured = new BackupFunctionsOptions
        {
            Source = new SourceOptions { Databases = ["app", "billing"] },
            Tenants = new TenantOptions { TenantIds = ["t1", "t2"] },
        };

        var single = Assert.Single(Units(ScheduleName.FullBackup, none));
        Assert.Null(single.Key);
        Assert.Null(((BackupRequest)single.Input!).Database);
        Assert.Equal(["app", "billing"], Units(ScheduleName.FullBackup, configured).Select(u => ((BackupRequest)u.Input!).Database));
        Assert.Equal(["app", "billing"], Units(ScheduleName.TestRestore, configured).Select(u => u.Key));
        Assert.Equal("latest", ((RestoreRequest)Units(ScheduleName.TestRestore, configured)[0].Input!).BackupId);
        Assert.Empty(Units(ScheduleName.TenantBackup, none));
        Assert.Equal(["t1", "t2"], Units(ScheduleName.TenantBackup, configured).Select(u => ((BackupRequest)u.Input!).TenantId));
        Assert.Equal(BackupKinds.Files, ((BackupRequest)Assert.Single(Units(ScheduleName.FilesBackup, none)).Input!).Kind);
    }

    [Fact]
    public void Single_unit_schedules_have_no_key_and_the_integrity_check_its_default_request()
    {
        var integrity = Assert.Single(Units(ScheduleName.IntegrityCheck, new BackupFunctionsOptions()));
        Assert.Null(integrity.Key);
        Assert.Equal(new VerifyIntegrityRequest(), integrity.Input);
        var retention = Assert.Single(Units(ScheduleName.Retention, new BackupFunctionsOptions()));
        Assert.Null(retention.Key);
        Assert.Null(retention.Input);
    }
}
