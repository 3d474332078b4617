using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.Extensions.Configuration;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Workflows;

public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Binds "BackupFunctions" and registers what the activities need: the options, the
    /// <see cref="BackupEnvironment"/> (keys, targets, client tools) and the catalog.
    /// </summary>
    public static IServiceCollection AddBackupWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new BackupFunctionsOptions();
        configuration.GetSection(BackupFunctionsOptions.SectionName).Bind(options);
        return services.AddBackupWorkflows(options);
    }

    public static IServiceCollection AddBackupWorkflows(this IServiceCollection services, BackupFunctionsOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new WorkflowRetries(options.Retries));
        services.AddSingleton(sp => new ActivityLimits(
            options.Activities, sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None));
        services.TryAddSingleton<DestinationPasswords>();
        services.AddSingleton(sp => new BackupEnvironment(options, sp.GetService<ILoggerFactory>()) { Passwords = sp.GetRequiredService<DestinationPasswords>() });
        services.AddSingleton<IBackupCatalog>(_ => new PostgresBackupCatalog(ControlDataSource.Create(options.Control), options.Control.CatalogSchema));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AlertDispatcher(AlertChannelFactory.Create(options.Alerts), sp.GetRequiredService<IBackupCatalog>(),
            options.Alerts.Delivery, sp.GetService<ILogger<AlertDispatcher>>() ?? NullLogger<AlertDispatcher>.Instance, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlertService>();
        // The hosts register the schedules they run before this; anything else (a test engine, the CLI) watches none.
        services.TryAddSingleton(Schedules.ScheduleWatch.None);
        services.TryAddSingleton<BackupMetrics>();
        services.TryAddSingleton<Retention.IRetentionLedger>(sp =>
            new PostgresRetentionLedger(ControlDataSource.Create(options.Control), options.Control.CatalogSchema, sp.GetRequiredService<IBackupCatalog>()));
        services.AddSingleton(_ => new AdmissionStore(ControlDataSource.Create(options.Control), options.Control.CatalogSchema, options.Admission));
        services.AddSingleton<BackupAdmission>();
        services.AddSingleton<AdmissionLeaseKeeper>();
        return services;
    }

    /// <summary>
    /// Registers every orchestrator and activity of the product with the durable worker. The framework creates
    /// orchestrators without dependency injection, so each is built from the settings here; activities come from the
    /// worker's service provider (<see cref="AddBackupWorkflows(IServiceCollection, BackupFunctionsOptions)"/>).
    /// </summary>
    public static DurableTaskRegistry AddBackupWorkflows(this DurableTaskRegistry registry, BackupFunctionsOptions options)
    {
        var retries = new WorkflowRetries(options.Retries);
        return registry
            .AddOrchestrator(OrchestrationNames.FullBackup, () => new FullBackupOrchestrator(retries))
            .AddOrchestrator(OrchestrationNames.TenantBackup, () => new TenantBackupOrchestrator(options, retries))
            .AddOrchestrator(OrchestrationNames.FilesBackup, () => new FilesBackupOrchestrator(retries))
            .AddOrchestrator(OrchestrationNames.VerifyIntegrity, () => new VerifyIntegrityOrchestrator(retries))
            .AddOrchestrator(OrchestrationNames.TestRestore, () => new TestRestoreOrchestrator(retries))
            .AddOrchestrator(OrchestrationNames.Restore, () => new RestoreOrchestrator(retries))
            .AddOrchestrator(OrchestrationNames.Retention, () => new RetentionOrchestrator(options, retries))
            .AddOrchestrator(OrchestrationNames.DisasterRecovery, () => new DisasterRecoveryOrchestrator(retries, options))
            .AddOrchestrator(OrchestrationNames.BaseBackup, () => new BaseBackupOrchestrator(options, retries))
            .AddOrchestrator(OrchestrationNames.WalArchivingCheck, () => new WalArchivingCheckOrchestrator(options, retries))
            .AddOrchestrator(OrchestrationNames.PitrRestore, () => new PitrRestoreOrchestrator(retries))
            .AddBackupActivities();
    }

    /// <summary>Every activity of the product; each is created per call from the worker's services.</summary>
    public static DurableTaskRegistry AddBackupActivities(this DurableTaskRegistry registry) => registry
        .AddActivity<PreflightSource>()
        .AddActivity<DumpCompressEncrypt>()
        .AddActivity<ArchiveFiles>()
        .AddActivity<UploadArtifact>()
        .AddActivity<VerifyChecksum>()
        .AddActivity<WriteManifest>()
        .AddActivity<RecordCatalog>()
        .AddActivity<RaiseAlert>()
        .AddActivity<ResolveAlert>()
        .AddActivity<EvaluateBackupRun>()
        .AddActivity<CheckSchedules>()
        .AddActivity<CheckTargetUsage>()
        .AddActivity<CleanupStaging>()
        .AddActivity<ResolveBackup>()
        .AddActivity<RestoreBackup>()
        .AddActivity<DropScratchDatabase>()
        .AddActivity<RecordRestore>()
        .AddActivity<RecordVerification>()
        .AddActivity<PlanIntegrityCheck>()
        .AddActivity<CheckCopy>()
        .AddActivity<RecordCopyCheck>()
        .AddActivity<RemoveDamagedObject>()
        .AddActivity<CopyManifest>()
        .AddActivity<ApplyRetention>()
        .AddActivity<PreflightRestoreTarget>()
        .AddActivity<RunPostChecks>()
        .AddActivity<CallCutoverWebhook>()
        .AddActivity<TakeBaseBackup>()
        .AddActivity<CheckWalArchiving>()
        .AddActivity<ApplyPitrRetention>()
        .AddActivity<ChoosePitrBaseBackup>()
        .AddActivity<LayDownBaseBackup>()
        .AddActivity<WriteRecoverySettings>()
        .AddActivity<StartRecoveryServer>()
        .AddActivity<VerifyPitrRestore>();
}
