namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// A <see cref="PitrEnvironment"/> (archiving cluster, base backup, three timed batches) and a self-hosted host that restores
/// from its archive through POST /api/restores/pitr, into data directories below <see cref="PitrApiHost.RestoreRoot"/>.
/// </summary>
public sealed class PitrApiEnvironment : IAsyncLifetime
{
    public PitrEnvironment Pitr { get; } = new();

    internal PitrApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Pitr.InitializeAsync();
        Host = await PitrApiHost.StartAsync(Pitr, Pitr.ConfigFile, Path.Combine(Pitr.Root, "api-restores"));
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Host is not null) await Host.DisposeAsync();
        }
        finally
        {
            await Pitr.DisposeAsync();
        }
    }
}
