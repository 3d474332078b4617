using BackupFunctions.Durable;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Hosting;

/// <summary>The product's services and orchestrations, as the Workflows project composes them.</summary>
internal static class ProductWorkflows
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddBackupWorkflows(configuration);

    public static void AddOrchestrations(DurableTaskRegistry registry) => registry.AddBackupWorkflows();

    /// <summary>What the host needs when the product workflows are not registered: the settings, for request validation and schedules.</summary>
    public static void AddOptionsOnly(IServiceCollection services, IConfiguration configuration)
    {
        var options = new BackupFunctionsOptions();
        configuration.GetSection(BackupFunctionsOptions.SectionName).Bind(options);
        services.AddSingleton(options);
    }
}
