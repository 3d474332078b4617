using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Security;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BackupFunctions.Host.Telemetry;

/// <summary>
/// OpenTelemetry for the self-hosted host: the "BackupFunctions" meter on a Prometheus scrape endpoint, and metrics and
/// traces to an OTLP collector when one is configured (docs/metrics.md).
/// </summary>
internal static class HostTelemetry
{
    /// <summary>The standard variable the OTLP exporter also reads by itself.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <exception cref="HostStartupException">A telemetry setting has the wrong type or shape.</exception>
    public static TelemetryOptions ReadOptions(IConfiguration configuration)
    {
        var problems = new List<string>();
        var options = SettingsBinder.Bind<TelemetryOptions>(configuration.GetSection(TelemetryOptions.SectionName), problems);
        if (!string.IsNullOrEmpty(options.PrometheusPath) && !options.PrometheusPath.StartsWith('/'))
        {
            problems.Add($"{TelemetryOptions.SectionName}:PrometheusPath must start with '/' (e.g. /metrics), or be empty to turn the endpoint off.");
        }

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out _))
        {
            problems.Add($"{TelemetryOptions.SectionName}:OtlpEndpoint must be an absolute URL such as http://collector:4317.");
        }

        return problems.Count > 0 ? throw new HostStartupException(problems) : options;
    }

    /// <param name="catalogGauges">True where the product runs (a catalog is registered): the gauges then read it.</param>
    public static void AddHostTelemetry(this IServiceCollection services, TelemetryOptions options, IConfiguration configuration, bool catalogGauges)
    {
        services.AddSingleton(options);
        if (catalogGauges)
        {
            services.AddHostedService(sp => sp.GetRequiredService<CatalogMetricsRefresher>());
            services.AddSingleton<CatalogMetricsRefresher>();
        }

        var otlp = OtlpEndpoint(options, configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("BackupFunctions.Host"))
            .WithMetrics(m =>
            {
                m.AddMeter(BackupTelemetry.MeterName, Memory.WorkListener.MeterName);
                if (!string.IsNullOrEmpty(options.PrometheusPath))
                {
                    m.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    m.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });

        // Spans cost something only when someone listens: without a collector there is no tracer provider at all.
        if (otlp is not null)
        {
            telemetry.WithTracing(t => t.AddSource(BackupTelemetry.ActivitySourceName).AddOtlpExporter(o => o.Endpoint = otlp));
        }
    }

    /// <summary>GET {PrometheusPath}: anonymous unless PrometheusRequiresKey, then a function key (or an admin key) like /api.</summary>
    public static void MapMetrics(this WebApplication app, TelemetryOptions options)
    {
        if (string.IsNullOrEmpty(options.PrometheusPath))
        {
            return;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        if (options.PrometheusRequiresKey)
        {
            endpoint.RequireFunctionKey();
        }
    }

    private static Uri? OtlpEndpoint(TelemetryOptions options, IConfiguration configuration)
    {
        var text = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? configuration[OtlpEndpointVariable] : options.OtlpEndpoint;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
    }
}
