using BackupFunctions.Functions.Schedules;
using BackupFunctions.Functions.Telemetry;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Azure Functions isolated worker: the Functions host owns the triggers, the task hub (host.json
// extensions.durableTask) and the Durable HTTP API; this process runs the product's code.
var host = new HostBuilder()
    .ConfigureFunctionsWebApplication()
    .ConfigureAppConfiguration(config => config.AddEnvironmentVariables())
    .ConfigureServices((context, services) =>
    {
        services.AddBackupWorkflows(context.Configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => FunctionSchedules.FromConfiguration(context.Configuration));
        // The dead-man check watches the timers this app runs. No host start: a Function App scales to zero and
        // starts for each timer, so only the first enablement (kept in the catalog) bounds the grace.
        services.AddSingleton(sp => ScheduleWatch.Build(
            sp.GetRequiredService<FunctionSchedules>().All.Select(s => (s.Name, s.Cron, s.Enabled)), sp.GetRequiredService<BackupFunctionsOptions>(), hostStartedAt: null));
        services.AddSingleton<ScheduledRunStarter>();
        services.AddFunctionsTelemetry(context.Configuration);
    })
    .Build();

await host.RunAsync();
