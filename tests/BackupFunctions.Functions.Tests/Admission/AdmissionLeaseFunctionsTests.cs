using BackupFunctions.Functions.Admission;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Admission;

/// <summary>The minute timer keeps the slots of running backups and frees those of ended ones, in the real control database.</summary>
public sealed class AdmissionLeaseFunctionsTests(FunctionsApp app) : IClassFixture<FunctionsApp>
{
    [Fact]
    public async Task The_slot_of_a_running_backup_is_kept_and_that_of_an_ended_one_freed()
    {
        var admission = app.Services.GetRequiredService<BackupAdmission>();
        var store = app.Services.GetRequiredService<AdmissionStore>();
        var database = "lease_" + Guid.NewGuid().ToString("N")[..10];
        var running = "run-" + Guid.NewGuid().ToString("N");
        var ended = "end-" + Guid.NewGuid().ToString("N");
        var hub = new FakeDurableTaskClient { Status = OrchestrationRuntimeStatus.Running };
        foreach (var id in new[] { running, ended })
        {
            Assert.Null(await admission.AdmitAsync(new BackupRequest { Database = database }, id, DurableRunStates.Probe(hub), CancellationToken.None));
            hub.Instances[id] = ("FullBackupOrchestrator", null);
        }

        hub.StatusOf[ended] = OrchestrationRuntimeStatus.Completed;
        await app.Create<AdmissionLeaseFunctions>().AdmissionLeaseTimer(new TimerInfo(), hub, app.Context("AdmissionLeaseTimer"));

        var slots = (await store.LiveSlotsAsync(CancellationToken.None)).Where(s => s.Database == database).Select(s => s.InstanceId);
        Assert.Equal([running], slots);
    }

    [Fact]
    public async Task With_the_limit_off_the_timer_touches_no_slot()
    {
        await using var services = FunctionsApp.Build(app.ControlConnectionString, app.Root,
            new Dictionary<string, string?> { ["BackupFunctions:Admission:MaxRunsPerDatabase"] = "0" });
        // A slot the keeper would ask the hub about, were it to run.
        var id = "off-" + Guid.NewGuid().ToString("N");
        var running = new FakeDurableTaskClient { Status = OrchestrationRuntimeStatus.Running };
        Assert.Null(await app.Services.GetRequiredService<BackupAdmission>().AdmitAsync(
            new BackupRequest { Database = "off_" + Guid.NewGuid().ToString("N")[..10] }, id, DurableRunStates.Probe(running), CancellationToken.None));
        var hub = new ThrowingClient();

        await ActivatorUtilities.CreateInstance<AdmissionLeaseFunctions>(services)
            .AdmissionLeaseTimer(new TimerInfo(), hub, new FakeFunctionContext("AdmissionLeaseTimer", services, new Dictionary<string, object?>()));

        Assert.False(services.GetRequiredService<BackupAdmission>().Enabled);
        Assert.Contains(id, (await app.Services.GetRequiredService<AdmissionStore>().LiveSlotsAsync(CancellationToken.None)).Select(s => s.InstanceId));
    }

    /// <summary>A hub any question to would fail the test: with the limit off there is nothing to ask.</summary>
    private sealed class ThrowingClient() : DurableTaskClient("throwing")
    {
        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new InvalidOperationException("The timer asked the hub about " + instanceId);

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null,
            StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
