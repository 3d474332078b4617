using BackupFunctions.Functions.Http;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>POST /api/basebackups: an empty body starts the base backup orchestration, but only where PITR is enabled.</summary>
public sealed class StartBaseBackupPlannerTests
{
    private static BackupFunctionsOptions Options(bool enabled) => new() { Pitr = new PitrOptions { Enabled = enabled } };

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public void An_empty_body_starts_the_base_backup_under_its_own_id_prefix(string body)
    {
        var plan = StartPlanner.BaseBackup(body, Options(enabled: true)).Plan;

        Assert.NotNull(plan);
        Assert.Equal(OrchestrationNames.BaseBackup, plan.Orchestration);
        Assert.IsType<BaseBackupRequest>(plan.Input);
        Assert.StartsWith("basebackup-", plan.NewInstanceId());
    }

    [Fact]
    public void Without_pitr_enabled_it_is_a_400_that_names_the_setting()
    {
        var decision = StartPlanner.BaseBackup("", Options(enabled: false));

        Assert.Null(decision.Plan);
        Assert.Equal(400, decision.Problem!.Status);
        Assert.Contains("BackupFunctions:Pitr:Enabled", Assert.Single(decision.Problem.Errors!));
    }

    [Fact]
    public void An_unknown_field_is_a_400()
    {
        var decision = StartPlanner.BaseBackup("""{"targets":["r2"]}""", Options(enabled: true));

        Assert.Null(decision.Plan);
        Assert.Contains("targets", decision.Problem!.Detail);
    }
}
