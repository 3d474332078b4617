using System.Text.Json.Nodes;
using BackupFunctions.Durable;
using BackupFunctions.Host.Http;
using Microsoft.AspNetCore.Http;

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
            ContinuationToken = http.Request.Headers[ContinuationHeader] is { Count: > 0 } token && !string.IsNullOrWhiteSpace(token.ToString())
                ? token.ToString()
                : null,
        };
        var showInput = query.Bool("showInput", false);
        if (query.Errors.Count > 0)
        {
            return Problems.Invalid(query.Errors);
        }

        OrchestrationQueryResult page;
        try
        {
            page = await client.QueryInstancesAsync(orchestrationQuery, ct);
        }
        catch (ArgumentException)
        {
            return Problems.BadRequest($"The {ContinuationHeader} header is not a token this API handed out; send back the header of the previous page unchanged.");
        }

        if (page.ContinuationToken is not null)
        {
            http.Response.Headers[ContinuationHeader] = page.ContinuationToken;
        }

        var items = new JsonArray();
        foreach (var instance in page.Items)
        {
            items.Add(InstanceStatusView.Render(instance, showInput));
        }

        return Results.Json(items);
    }
}
