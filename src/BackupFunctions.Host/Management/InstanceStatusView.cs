using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Management;

/// <summary>The Durable Functions status body of one instance.</summary>
internal static class InstanceStatusView
{
    public static JsonObject Render(OrchestrationMetadata m, bool showInput, JsonArray? historyEvents = null)
    {
        var node = new JsonObject
        {
            ["name"] = m.Name,
            ["instanceId"] = m.InstanceId,
            ["runtimeStatus"] = m.RuntimeStatus.ToString(),
            ["input"] = showInput ? JsonText.ToNode(m.SerializedInput) : null,
            ["customStatus"] = JsonText.ToNode(m.SerializedCustomStatus),
            ["output"] = Output(m),
            ["createdTime"] = Timestamps.Status(m.CreatedAt),
            ["lastUpdatedTime"] = Timestamps.Status(m.LastUpdatedAt),
        };
        if (m.FailureDetails is { } failure)
        {
            // Beyond the Durable Functions shape: the error type lets a caller tell a poison message from a bug.
            node["failureDetails"] = new JsonObject
            {
                ["errorType"] = failure.ErrorType,
                ["errorMessage"] = failure.ErrorMessage,
                ["isNonRetriable"] = failure.IsCausedBy<BackupFunctions.Workflows.Activities.NonRetryableTaskException>(),
            };
        }

        if (historyEvents is not null)
        {
            node["historyEvents"] = historyEvents;
        }

        return node;
    }

    /// <summary>As in Durable Functions, a failed instance's output is its error message.</summary>
    private static JsonNode? Output(OrchestrationMetadata m) =>
        m.SerializedOutput is null && m.RuntimeStatus == OrchestrationRuntimeStatus.Failed && m.FailureDetails is { } failure
            ? JsonValue.Create(failure.ErrorMessage)
            : JsonText.ToNode(m.SerializedOutput);
}
