using BackupFunctions.Functions.Telemetry;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BackupFunctions.Functions.Tests.Telemetry;

/// <summary>The Function App exports the BackupFunctions meter and spans only where a destination is configured.</summary>
public sealed class FunctionsTelemetryTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        // The catalog is only constructed here, never contacted.
        settings["BackupFunctions:Control:ConnectionString"] = "Host=127.0.0.1;Port=9;Database=unused";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBackupWorkflows(configuration);
        services.AddFunctionsTelemetry(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void With_an_application_insights_connection_string_metrics_and_traces_are_exported_and_the_catalog_gauges_refresh()
    {
        using var provider = Build(new()
        {
            [FunctionsTelemetry.AppInsightsVariable] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        });

        Assert.NotNull(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is CatalogMetricsRefresher);
    }

    [Fact]
    public void Without_a_destination_nothing_is_exported()
    {
        using var provider = Build([]);

        Assert.Null(provider.GetService<MeterProvider>());
        Assert.Null(provider.GetService<TracerProvider>());
    }
}
