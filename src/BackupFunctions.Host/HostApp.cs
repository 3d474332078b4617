using System.Diagnostics;
using BackupFunctions.Api;
using BackupFunctions.Host.Api;
using BackupFunctions.Host.Dashboard;
using BackupFunctions.Host.Health;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using BackupFunctions.Host.Management;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Workflows.Schedules;
using BackupFunctions.Host.Security;
using BackupFunctions.Host.TaskHub;
using BackupFunctions.Host.Telemetry;
using BackupFunctions.Workflows.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host;

/// <summary>
/// Builds the self-hosted HTTP host: the product API, the Durable Functions management API, the timers and the Durable
/// Task worker, with the task hub in Azure Storage and the catalog and schedule state in the control database.
/// </summary>
public static class HostApp
{
    /// <summary>
    /// Builds (does not start) the app. <paramref name="configure"/> runs first, so configuration it adds is what the
    /// host reads; services it registers win over the host's defaults (they are re-added after them), and
    /// <see cref="DurableRegistrationExtensions.AddDurableRegistration"/> adds orchestrators and activities.
    /// </summary>
    /// <exception cref="HostStartupException">The settings do not allow the host to start.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddSettingsFile(builder.Configuration, args);
        var before = builder.Services.ToHashSet();
        configure?.Invoke(builder);
        var overrides = builder.Services.Where(d => !before.Contains(d)).ToList();
        foreach (var descriptor in overrides)
        {
            builder.Services.Remove(descriptor);
        }

        var configuration = builder.Configuration;
        var settings = HostSettingsReader.Read(configuration);
        var (hostOptions, taskHub, product, schedules) = (settings.Host, settings.TaskHub, settings.Product, settings.Schedules);
        var mode = HostMode.Resolve(hostOptions);
        var keys = settings.Keys;
        var telemetry = HostTelemetry.ReadOptions(configuration);

        builder.WebHost.UseUrls(mode.Urls);

        // ASP.NET Core's request logs print the query string, and with it any ?code= key; routing's debug logs too.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        QuietPerRequestLogs(builder.Logging, configuration);
        AddServices(builder.Services, configuration, hostOptions, mode, taskHub, schedules, product, overrides);
        builder.Services.AddHostTelemetry(telemetry, configuration, catalogGauges: hostOptions.RegisterProductWorkflows);
        foreach (var descriptor in overrides)
        {
            builder.Services.Add(descriptor);
        }

        var app = builder.Build();
        MapEndpoints(app, mode, schedules);
        app.MapMetrics(telemetry);
        LogStartup(app, mode, keys);
        return app;
    }

    /// <summary>
    /// Two categories write an Information line on every read (measured under bench/load.sh: four lines per answer):
    /// ASP.NET Core's "Writing value of type … as Json" and the Azure Storage backend's "Fetched instance status", so
    /// at 1,000 reads/s the host spent its time formatting log lines. They start at Warning here; a
    /// Logging:LogLevel entry for either category in the settings still wins (to see them while debugging).
    /// </summary>
    internal static void QuietPerRequestLogs(ILoggingBuilder logging, IConfiguration configuration)
    {
        foreach (var category in PerRequestLogCategories)
        {
            if (configuration[$"Logging:LogLevel:{category}"] is null)
            {
                logging.AddFilter(category, LogLevel.Warning);
            }
        }
    }

    internal static readonly string[] PerRequestLogCategories = ["Microsoft.AspNetCore.Http.Result", "DurableTask.AzureStorage"];

    /// <summary>
    /// The same settings file the CLI reads ($BACKUPFUNCTIONS_CONFIG), so one file drives both; environment
    /// variables and the command line are added again after it, so they still win over the file.
    /// </summary>
    private static void AddSettingsFile(ConfigurationManager configuration, string[] args)
    {
        var path = Environment.GetEnvironmentVariable("BACKUPFUNCTIONS_CONFIG");
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        if (!File.Exists(path))
        {
            throw new HostStartupException($"BACKUPFUNCTIONS_CONFIG points at '{path}', which does not exist.");
        }

        try
        {
            configuration.AddJsonFile(Path.GetFullPath(path), optional: false);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new HostStartupException($"BACKUPFUNCTIONS_CONFIG '{path}' is not valid JSON: {e.Message}");
        }

        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    private static void AddServices(
        IServiceCollection services, IConfiguration configuration, BackupHostOptions hostOptions, HostMode mode,
        TaskHubSettings taskHub, ScheduleCatalog schedules, BackupFunctionsOptions product, IReadOnlyList<ServiceDescriptor> overrides)
    {
        services.AddSingleton(mode);
        services.AddOptions<BackupHostOptions>().Bind(configuration.GetSection(BackupHostOptions.SectionName));
        services.AddOptions<FunctionKeyOptions>().Bind(configuration.GetSection("BackupFunctions:Keys"));
        services.AddSingleton<FunctionKeyAuthorizer>();
        services.AddSingleton<ManagementUrls>();
        services.AddSingleton(schedules);
        // The dead-man check judges the schedules this host runs; grace also runs from this process's start, so a
        // host catching up after being down (RunMissedOnStartup) is given the grace before anything counts as missed.
        services.AddSingleton(ScheduleWatch.Build(schedules.All.Select(s => (s.Name, s.Cron, s.Enabled)), product,
            new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero)));
        services.AddSingleton<ScheduledRunStarter>();
        services.AddSingleton<ScheduleStateStore>();
        services.AddSingleton<ControlDatabaseProbe>();
        services.AddSingleton<Reads.InstanceStatusReader>();
        services.AddSingleton<Reads.CatalogPageReader>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));

        // The worker hands back its leases on stop; give it its grace period and then some.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = hostOptions.ShutdownTimeout);

        if (hostOptions.RegisterProductWorkflows)
        {
            ProductWorkflows.AddServices(services, product);
            services.AddHostedService<Admission.AdmissionLeaseService>();
        }
        else
        {
            ProductWorkflows.AddOptionsOnly(services, product);
        }

        var hooks = overrides.Where(d => d.ServiceType == typeof(DurableRegistration))
            .Select(d => d.ImplementationInstance).OfType<DurableRegistration>().ToList();
        services.AddSelfHostedTaskHub(taskHub, registry =>
        {
            if (hostOptions.RegisterProductWorkflows)
            {
                ProductWorkflows.AddOrchestrations(registry, product);
            }

            foreach (var hook in hooks)
            {
                hook.Register(registry);
            }
        });

        if (mode.RunTimers)
        {
            services.AddHostedService<TimerScheduler>();
        }

        services.AddHostedService<Memory.IdleMemoryRelease>();
    }

    private static void MapEndpoints(WebApplication app, HostMode mode, ScheduleCatalog schedules)
    {
        // Unexpected failures (a store that does not answer) become a 500 problem-details body without internals.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The dashboard for people (HTML), and a cheap "is anything there" for load balancers (JSON), at "/".
        app.MapDashboard();
        app.MapHealthProbes();
        app.MapProductApi();
        app.MapDurableManagement(HostMode.RuntimeWebhookPath);
    }

    private static void LogStartup(WebApplication app, HostMode mode, FunctionKeyOptions keys)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BackupFunctions.Host");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(";", app.Urls);
            Log.Listening(logger, urls, "self-hosted", mode.ManagementBasePath);
            if (!keys.FunctionKeys.Concat(keys.AdminKeys).Any(k => !string.IsNullOrWhiteSpace(k)))
            {
                Log.AnonymousAccess(logger, urls);
            }
        });
    }
}
