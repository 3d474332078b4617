using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Management;

/// <summary>
/// Puts the instance id of a management request into the logging scope, so everything logged while serving it
/// (ours, the engine's, ASP.NET Core's) can be found by the instance id alone.
/// </summary>
internal sealed class InstanceLogScope : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.RouteValues.TryGetValue("instanceId", out var id) && id is string instanceId)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<DurableManagement>>();
            using (logger.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId }))
            {
                return await next(context);
            }
        }

        return await next(context);
    }
}
