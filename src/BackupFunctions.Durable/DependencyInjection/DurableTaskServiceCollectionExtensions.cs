using BackupFunctions.Durable.Store.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable;

public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="DurableTaskClient"/> singleton and, unless <paramref name="registerWorker"/> is false,
    /// a <see cref="DurableTaskWorker"/> hosted service that runs the registered orchestrators and activities.
    /// Orchestrators and activities are created per invocation with constructor injection (activities in their own scope).
    /// </summary>
    public static IServiceCollection AddDurableTask(
        this IServiceCollection services,
        Action<DurableTaskOptions> configure,
        Action<DurableTaskRegistry>? register = null,
        bool registerWorker = true)
    {
        var options = new DurableTaskOptions();
        configure(options);
        options.Validate();
        var registry = new DurableTaskRegistry();
        register?.Invoke(registry);

        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(_ => new PostgresStore(options));
        services.AddSingleton(sp => new DurableTaskClient(sp.GetRequiredService<PostgresStore>(), ownsStore: false));
        if (registerWorker)
        {
            services.AddSingleton(sp => new DurableTaskWorker(
                sp.GetRequiredService<PostgresStore>(), ownsStore: false, registry, sp, sp.GetService<ILoggerFactory>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DurableTaskWorker>());
        }

        return services;
    }
}
