using BackupFunctions.Testing;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>The real catalog in a database of its own, and an <see cref="AlertService"/> over the given channels with short retry delays.</summary>
public sealed class AlertDeliveryHarness : IAsyncDisposable
{
    private readonly TempDatabase _db;

    private AlertDeliveryHarness(TempDatabase db, PostgresBackupCatalog catalog, AlertService service)
    {
        _db = db;
        Catalog = catalog;
        Service = service;
    }

    public PostgresBackupCatalog Catalog { get; }

    public AlertService Service { get; }

    public static AlertDeliveryOptions FastDelivery(int attempts = 3) =>
        new() { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(20), AttemptTimeout = TimeSpan.FromSeconds(20) };

    public static async Task<AlertDeliveryHarness> StartAsync(Dictionary<string, AlertChannelOptions> channels, int attempts = 3)
    {
        var db = await TempDatabase.CreateAsync("alertdlv");
        var options = new AlertOptions { Channels = new(channels, StringComparer.OrdinalIgnoreCase), Delivery = FastDelivery(attempts) };
        var catalog = new PostgresBackupCatalog(db.ConnectionString);
        var dispatcher = new AlertDispatcher(AlertChannelFactory.Create(options), catalog, options.Delivery, NullLogger<AlertDispatcher>.Instance, TimeProvider.System);
        return new AlertDeliveryHarness(db, catalog, new AlertService(catalog, dispatcher));
    }

    public async ValueTask DisposeAsync() => await _db.DisposeAsync();
}
