using BackupFunctions.Host.Schedules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.CustomHandler;

/// <summary>
/// The custom-handler side of the Azure Functions protocol: one POST /{FunctionName} per timer function. HTTP
/// functions need nothing here, since with enableForwardingHttpRequest they arrive on their own /api/... paths.
/// Mapped only in custom-handler mode: these routes take no key, as the Functions host calls them over loopback.
/// </summary>
internal static class CustomHandlerEndpoints
{
    public static void MapCustomHandler(this IEndpointRouteBuilder app, ScheduleCatalog catalog)
    {
        foreach (var schedule in catalog.All)
        {
            app.MapPost("/" + schedule.FunctionName,
                (HttpContext http, ScheduledRunStarter starter, TimeProvider time, ILogger<TimerInvocation> logger, CancellationToken ct) =>
                    TimerInvocationHandler.InvokeAsync(schedule, http, starter, time, logger, ct));
        }
    }
}
