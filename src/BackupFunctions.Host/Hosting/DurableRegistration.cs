using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Hosting;

/// <summary>
/// Extra orchestrators and activities for the host's worker, registered by an embedding program (tests) through
/// <see cref="DurableRegistrationExtensions.AddDurableRegistration"/> in the configure callback of <see cref="HostApp.Build"/>.
/// </summary>
public sealed record DurableRegistration(Action<DurableTaskRegistry> Register);

public static class DurableRegistrationExtensions
{
    public static IServiceCollection AddDurableRegistration(this IServiceCollection services, Action<DurableTaskRegistry> register) =>
        services.AddSingleton(new DurableRegistration(register));
}
