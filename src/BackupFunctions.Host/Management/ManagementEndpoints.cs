using BackupFunctions.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Management;

/// <summary>
/// The Durable Functions HTTP management API, mapped under a base path
/// (/runtime/webhooks/durabletask standalone, /api/durabletask through the Functions host).
/// </summary>
internal static class ManagementEndpoints
{
    public static void MapDurableManagement(this IEndpointRouteBuilder app, string basePath)
    {
        var group = app.MapGroup(basePath + "/instances").RequireFunctionKey().AddEndpointFilter<RouteGroupBuilder, InstanceLogScope>();
        group.MapGet("", InstanceListHandler.ListAsync);
        group.MapDelete("", InstancePurgeHandler.PurgeManyAsync).RequireAdminKey();
        group.MapGet("{instanceId}", InstanceStatusHandler.GetAsync);
        group.MapDelete("{instanceId}", InstancePurgeHandler.PurgeOneAsync).RequireAdminKey();
        group.MapPost("{instanceId}/raiseEvent/{eventName}", InstanceControlHandler.RaiseEventAsync).RequireAdminKey();
        group.MapPost("{instanceId}/terminate", InstanceControlHandler.TerminateAsync).RequireAdminKey();
        group.MapPost("{instanceId}/suspend", InstanceControlHandler.SuspendAsync).RequireAdminKey();
        group.MapPost("{instanceId}/resume", InstanceControlHandler.ResumeAsync).RequireAdminKey();
        group.MapPost("{instanceId}/restart", InstanceControlHandler.RestartAsync).RequireAdminKey();
    }
}
