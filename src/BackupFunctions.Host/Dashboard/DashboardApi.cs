using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Security;
using BackupFunctions.Workflows.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Dashboard;

/// <summary>
/// Small reads the dashboard needs and the catalog does not hold: the schedules with their next due times, and
/// the names of the configured databases and targets (for the manual backup form), and the level of the key it signed in
/// with (to hide admin actions from a function key). Function key, like every read.
/// Names only: no connection string, host, user or bucket leaves this endpoint.
/// </summary>
internal static class DashboardApi
{
    public static void MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireFunctionKey();
        api.MapGet("/schedules", Schedules);
        api.MapGet("/sources", Sources);
        api.MapGet("/whoami", WhoAmI);
    }

    /// <summary>
    /// The level of the key sent, so the page can hide what the key may not do. Only a hint for the page: every admin
    /// endpoint still checks the key itself. Decided by the same constant-time comparison as every other key check.
    /// </summary>
    private static IResult WhoAmI(HttpContext http, FunctionKeyAuthorizer keys)
    {
        // Without any key configured (Host:AllowAnonymous) every endpoint lets every caller through, admin ones too.
        var level = keys.HasAnyKey ? keys.Authorize(KeyAuthorizationFilter.PresentedKey(http.Request)) : AccessLevel.Admin;
        return Results.Json(new { level = level.ToString().ToLowerInvariant() });
    }

    private static IResult Schedules(ScheduleCatalog schedules, HostMode mode, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Results.Json(schedules.All.Select(s => new
        {
            name = s.Name,
            cron = s.Cron.Expression,
            enabled = s.Enabled,
            orchestration = s.Orchestration,
            // A host without timers starts nothing itself; another host (or the Function App) on the same hub may.
            nextRunAt = s.Enabled ? new DateTimeOffset(s.Cron.NextAfter(now), TimeSpan.Zero) : (DateTimeOffset?)null,
            timersOnThisHost = mode.RunTimers,
        }));
    }

    private static IResult Sources(BackupFunctionsOptions options) => Results.Json(new
    {
        databases = AllowedDatabases.Of(options.Source),
        targets = options.Targets.Select(t => t.Name).ToList(),
    });
}
