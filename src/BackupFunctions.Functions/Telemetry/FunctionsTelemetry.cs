using Azure.Monitor.OpenTelemetry.Exporter;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BackupFunctions.Functions.Telemetry;

/// <summary>
/// In the Function App the "BackupFunctions" meter and spans go to Application Insights (Azure Monitor) when
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set, and to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is;
/// there is no scrape endpoint (the Functions host owns the HTTP port). docs/metrics.md.
/// </summary>
internal static class FunctionsTelemetry
{
    public const string AppInsightsVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.SectionName).Bind(options);
        services.AddSingleton(options);
        services.AddHostedService<CatalogMetricsRefresher>();

        var appInsights = configuration[AppInsightsVariable];
        var otlpText = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? configuration[OtlpEndpointVariable] : options.OtlpEndpoint;
        var otlp = Uri.TryCreate(otlpText, UriKind.Absolute, out var uri) ? uri : null;
        if (string.IsNullOrWhiteSpace(appInsights) && otlp is null)
        {
            return;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("BackupFunctions.Functions"))
            .WithMetrics(m => m.AddMeter(BackupTelemetry.MeterName))
            .WithTracing(t => t.AddSource(BackupTelemetry.ActivitySourceName));
        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            // Reads the connection string from the same variable; it is never logged.
            telemetry.UseAzureMonitorExporter(o => o.ConnectionString = appInsights);
        }

        if (otlp is not null)
        {
            telemetry.WithMetrics(m => m.AddOtlpExporter(o => o.Endpoint = otlp)).WithTracing(t => t.AddOtlpExporter(o => o.Endpoint = otlp));
        }
    }
}
