using System.Text.Json;
using BackupFunctions.Api;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Hosting;

namespace BackupFunctions.Host.Reads;

/// <summary>
/// GET /api/backups pages, coalesced per (database, limit): concurrent callers share one catalog query AND its JSON,
/// serialized once, so a dashboard polled by many share the work; each answer still comes from a query that started
/// after the caller asked (<see cref="FreshReadCoalescer{TKey,TValue}"/>).
/// </summary>
internal sealed class CatalogPageReader(IHostApplicationLifetime lifetime)
{
    private readonly FreshReadCoalescer<(string? Database, int Limit), byte[]> _pages = new(lifetime.ApplicationStopping);

    public Task<byte[]> ListBackupsJsonAsync(IBackupCatalog catalog, string? database, int limit, CancellationToken ct) =>
        _pages.ReadAsync((database, limit), async (k, stopping) =>
            JsonSerializer.SerializeToUtf8Bytes(await catalog.ListBackupsAsync(k.Database, k.Limit, stopping).ConfigureAwait(false), ApiJson.Options), ct);
}
