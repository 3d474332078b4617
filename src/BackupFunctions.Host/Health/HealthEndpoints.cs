using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Health;

/// <summary>
/// Liveness and readiness for orchestrators (Kubernetes, App Service health check). Open to all, so they answer with a
/// status only: why the host is not ready (server, user, exception text) is logged, not returned.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealthProbes(this IEndpointRouteBuilder app)
    {
        // The process answers: nothing else is checked, so a slow database never gets a live host restarted.
        app.MapGet("/healthz/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/healthz/ready", async (ControlDatabaseProbe probe, CancellationToken ct) =>
        {
            var result = await probe.CheckAsync(ct);
            return Results.Json(new { status = result.Ready ? "ready" : "not ready" },
                statusCode: result.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
