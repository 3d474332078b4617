using BackupFunctions.Functions.Schedules;
using BackupFunctions.Functions.Telemetry;
using BackupFunctions.Workflows;
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
        services.AddSingleton<ScheduledRunStarter>();
        services.AddFunctionsTelemetry(context.Configuration);
    })
    .Build();

await host.RunAsync();
