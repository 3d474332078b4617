using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Health;

/// <summary>Liveness and readiness for orchestrators (Kubernetes, App Service health check). Open to all; they reveal nothing secret.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthProbes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/healthz/ready", async (ControlDatabaseProbe probe, CancellationToken ct) =>
        {
            var (ready, detail) = await probe.CheckAsync(ct);
            return Results.Json(new { status = ready ? "ready" : "not ready", detail },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
