using BackupFunctions.Api;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Host.Http;

/// <summary>The answer to anything that starts an orchestration: 202, Location, Retry-After and the management payload.</summary>
internal static class StartResponse
{
    public static IResult Accepted(HttpContext http, ManagementUrls urls, string instanceId)
    {
        var payload = urls.For(http.Request, instanceId);
        http.Response.Headers.Location = payload.StatusQueryGetUri;
        http.Response.Headers.RetryAfter = "10";
        return Results.Json(payload, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }
}
