using BackupFunctions.Api;
using BackupFunctions.Host.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Security;

/// <summary>
/// Lets a request through when it presents a key of at least the required level, in the Azure Functions way:
/// the <c>x-functions-key</c> header or the <c>code</c> query parameter. No or an unknown key is a 401, a key of
/// too low a level a 403. With no keys configured at all (allowed only by Host:AllowAnonymous) every request passes.
/// </summary>
internal sealed class KeyAuthorizationFilter(AccessLevel required) : IEndpointFilter
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authorizer = http.RequestServices.GetRequiredService<FunctionKeyAuthorizer>();
        if (!authorizer.HasAnyKey)
        {
            return await next(context);
        }

        var level = authorizer.Authorize(PresentedKey(http.Request));
        if (level >= required)
        {
            return await next(context);
        }

        var logger = http.RequestServices.GetRequiredService<ILogger<KeyAuthorizationFilter>>();
        if (level == AccessLevel.None)
        {
            // Never the key itself: a mistyped key is often a real key of another environment.
            Log.KeyRejected(logger, http.Request.Method, http.Request.Path);
            return ApiProblem.Unauthorized(
                $"Send a valid key in the {HeaderName} header or the ?{QueryName}= query parameter.").ToResult();
        }

        Log.KeyLevelTooLow(logger, http.Request.Method, http.Request.Path, required);
        return ApiProblem.Forbidden($"This operation needs an {required.ToString().ToLowerInvariant()} key; the key sent is a {level.ToString().ToLowerInvariant()} key.").ToResult();
    }

    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header.ToString()))
        {
            return header.ToString();
        }

        return request.Query.TryGetValue(QueryName, out var code) ? code.ToString() : null;
    }
}
