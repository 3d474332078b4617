using System.Text.Json.Nodes;
using BackupFunctions.Api;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Management;

/// <summary>
/// GET …/instances: one page of instances, filtered as in Durable Functions. The page token travels in the
/// x-ms-continuation-token header both ways.
/// </summary>
internal static class InstanceListHandler
{
    public const string ContinuationHeader = "x-ms-continuation-token";

    public static async Task<IResult> ListAsync(HttpContext http, DurableTaskClient client, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var orchestrationQuery = new OrchestrationQuery
        {
            CreatedFrom = query.Time("createdTimeFrom"),
            CreatedTo = query.Time("createdTimeTo"),
            Statuses = query.EnumList<OrchestrationRuntimeStatus>("runtimeStatus"),
            InstanceIdPrefix = query.Text("instanceIdPrefix"),
            PageSize = query.Int("top", 1, 1000) ?? 100,
            FetchInputsAndOutputs = true,
        };
        var presented = http.Request.Headers[ContinuationHeader] is { Count: > 0 } token && !string.IsNullOrWhiteSpace(token.ToString())
            ? token.ToString()
            : null;
        var continuation = presented is null ? null : Unwrap(presented);
        if (presented is not null && continuation is null)
        {
            return BadToken();
        }

        var showInput = query.Bool("showInput", false);
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        Page<OrchestrationMetadata>? page;
        try
        {
            await using var pages = client.GetAllInstancesAsync(orchestrationQuery).AsPages(continuation, orchestrationQuery.PageSize).GetAsyncEnumerator(ct);
            page = await pages.MoveNextAsync() ? pages.Current : null;
        }
        catch (Exception e) when (continuation is not null && e is ArgumentException or FormatException or RpcException or System.Text.Json.JsonException)
        {
            return BadToken();
        }

        if (page?.ContinuationToken is { Length: > 0 } next)
        {
            http.Response.Headers[ContinuationHeader] = TokenPrefix + next;
        }

        var items = new JsonArray();
        foreach (var instance in page?.Values ?? [])
        {
            items.Add(InstanceStatusView.Render(instance, showInput));
        }

        return Results.Json(items);
    }

    /// <summary>
    /// The store's page tokens are lenient (any text reads as some position), so the API marks the ones it hands out
    /// and refuses others with a 400 instead of answering a wrong page.
    /// </summary>
    private const string TokenPrefix = "bf1.";

    private static string? Unwrap(string presented)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var inner = presented[TokenPrefix.Length..];
        return inner.Length > 0 && Convert.TryFromBase64String(inner, new byte[inner.Length], out _) ? inner : null;
    }

    private static IResult BadToken() =>
        ApiProblem.BadRequest($"The {ContinuationHeader} header is not a token this API handed out; send back the header of the previous page unchanged.").ToResult();
}
