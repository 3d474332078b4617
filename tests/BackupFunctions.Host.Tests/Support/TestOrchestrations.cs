using System.Text.Json;
using Microsoft.DurableTask;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>Small orchestrations that make each runtime status easy to reach, so the HTTP tests stay fast.</summary>
public static class TestOrchestrations
{
    /// <summary>Upper-cases its string input through one activity (so its history has a scheduled task).</summary>
    public const string Echo = "TestEcho";

    /// <summary>Waits for the "Approve" event and returns its payload; custom status {"step":"waiting"}.</summary>
    public const string WaitForApproval = "TestWaitForApproval";

    /// <summary>Fails at once with "boom".</summary>
    public const string Fail = "TestFail";

    public const string UpperActivity = "TestUpper";

    public static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string?, string?>(Echo, async (ctx, input) => await ctx.CallActivityAsync<string?>(UpperActivity, input))
        .AddActivityFunc<string?, string?>(UpperActivity, (_, s) => Task.FromResult(s?.ToUpperInvariant()))
        .AddOrchestratorFunc<JsonElement?, JsonElement>(WaitForApproval, async (ctx, _) =>
        {
            ctx.SetCustomStatus(new { step = "waiting" });
            return await ctx.WaitForExternalEvent<JsonElement>("Approve");
        })
        .AddOrchestratorFunc<JsonElement?, string>(Fail, FailAsync);

    private static Task<string> FailAsync(TaskOrchestrationContext context, JsonElement? input) => throw new InvalidOperationException("boom");

    /// <summary>
    /// Stand-ins under the product's orchestration names: each returns its input unchanged, so a test can see what
    /// the host started with what, without running a backup.
    /// </summary>
    public static void RegisterProductStandIns(DurableTaskRegistry registry)
    {
        foreach (var name in new[]
                 {
                     OrchestrationNames.FullBackup, OrchestrationNames.TenantBackup, OrchestrationNames.FilesBackup,
                     OrchestrationNames.VerifyIntegrity, OrchestrationNames.TestRestore, OrchestrationNames.Restore,
                     OrchestrationNames.Retention, OrchestrationNames.DisasterRecovery,
                     OrchestrationNames.BaseBackup, OrchestrationNames.WalArchivingCheck,
                 })
        {
            registry.AddOrchestratorFunc<JsonElement?, JsonElement?>(name, (_, input) => Task.FromResult(input));
        }
    }
}
