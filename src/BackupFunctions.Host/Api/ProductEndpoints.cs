using BackupFunctions.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Api;

/// <summary>The product API of DESIGN.md ("HTTP surface"), under /api.</summary>
internal static class ProductEndpoints
{
    public static void MapProductApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", CatalogHandlers.HealthAsync);

        var api = app.MapGroup("/api").RequireFunctionKey();
        api.MapPost("/backups", StartBackupHandler.HandleAsync);
        api.MapGet("/backups", CatalogHandlers.ListBackupsAsync);
        api.MapGet("/backups/{backupId}", CatalogHandlers.GetBackupAsync);
        api.MapGet("/backups/{backupId}/verifications", BackupInspectionHandlers.VerificationsAsync);
        api.MapGet("/backups/{backupId}/manifest", BackupInspectionHandlers.ManifestAsync);
        api.MapPost("/restores", StartRestoreHandler.HandleAsync).RequireAdminKey();
        api.MapPost("/restores/pitr", StartPitrRestoreHandler.HandleAsync).RequireAdminKey();
        api.MapPost("/dr", StartDisasterRecoveryHandler.HandleAsync).RequireAdminKey();
        api.MapPost("/basebackups", StartBaseBackupHandler.HandleAsync);
        api.MapGet("/restores", CatalogHandlers.ListRestoresAsync);
        api.MapGet("/alerts", CatalogHandlers.ListAlertsAsync);
        api.MapPost("/alerts/{alertId}/ack", CatalogHandlers.AcknowledgeAlertAsync).RequireAdminKey();
        api.MapPost("/alerts/{alertId}/resolve", AlertHandlers.ResolveAlertAsync).RequireAdminKey();
    }
}
