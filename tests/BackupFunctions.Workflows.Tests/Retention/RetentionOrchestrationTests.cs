using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Retention;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>The scheduled retention orchestration, on the in-memory engine over the three real targets and a real catalog, applies the same plan as the CLI.</summary>
public sealed class RetentionOrchestrationTests
{
    [Fact]
    public async Task The_retention_orchestration_deletes_the_planned_copies_on_every_target_and_records_them_under_its_instance()
    {
        await using var targets = await ThreeTargets.CreateAsync("postgres");
        targets.Options.Retention = new RetentionOptions { DefaultKeepDays = 5, Targets = { ["local"] = new TargetRetentionOptions { KeepDays = 30 } } };
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var env = targets.Environment();
        var old = await SyntheticBackup.WriteAsync(env.Targets, env.Keys, engine.Catalog, 10);
        var recent = await SyntheticBackup.WriteAsync(env.Targets, env.Keys, engine.Catalog, 1);
        var planned = await new RetentionRun(env.Targets, env.Keys, targets.Options.Retention, null, null).PlanAsync(DateTimeOffset.UtcNow, default);

        var meta = await engine.RunAsync(OrchestrationNames.Retention, null);

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var results = meta.ReadOutputAs<List<RetentionResult>>()!.ToDictionary(r => r.Target);
        // What the dry run planned is what the orchestration did: local keeps 30 days, the clouds 5.
        Assert.Equal(planned.Plan.ToDelete.Select(d => (d.Copy.Target, d.Copy.BackupId)).Order(),
            results.Values.SelectMany(r => r.Deleted.Select(id => (r.Target, id))).Order());
        Assert.Empty(results[ThreeTargets.Local].Deleted);
        Assert.Equal([old.BackupId], results[ThreeTargets.S3].Deleted);
        Assert.Equal([old.BackupId], results[ThreeTargets.Azure].Deleted);
        Assert.Equal(30, results[ThreeTargets.Local].KeepDays);
        Assert.NotNull(await env.FindTarget(ThreeTargets.Local)!.StatAsync(old.ArtifactKey));
        Assert.Null(await env.FindTarget(ThreeTargets.S3)!.StatAsync(old.ArtifactKey));
        Assert.NotNull(await env.FindTarget(ThreeTargets.Azure)!.StatAsync(recent.ArtifactKey));
        var deletions = await engine.Services.GetRequiredService<IRetentionLedger>().ListDeletionsAsync();
        Assert.Equal([ThreeTargets.Azure, ThreeTargets.S3], deletions.Select(d => d.Target).Order());
        Assert.All(deletions, d => Assert.Equal(meta.InstanceId, d.InstanceId));
    }
}
