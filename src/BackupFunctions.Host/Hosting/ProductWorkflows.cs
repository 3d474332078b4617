using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Hosting;

/// <summary>The product's services and orchestrations, as the Workflows project composes them, over one settings object.</summary>
internal static class ProductWorkflows
{
    public static void AddServices(IServiceCollection services, BackupFunctionsOptions options) => services.AddBackupWorkflows(options);

    public static void AddOrchestrations(DurableTaskRegistry registry, BackupFunctionsOptions options) => registry.AddBackupWorkflows(options);

    /// <summary>What the host needs when the product workflows are not registered: the settings, for request validation and schedules.</summary>
    public static void AddOptionsOnly(IServiceCollection services, BackupFunctionsOptions options) => services.AddSingleton(options);
}
