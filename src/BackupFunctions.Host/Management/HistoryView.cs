using System.Text.Json.Nodes;
using BackupFunctions.Durable;

namespace BackupFunctions.Host.Management;

/// <summary>
/// Renders a history as Durable Functions shows it: EventType as a string, OrchestratorStarted/Completed left out,
/// and each TaskScheduled (or SubOrchestrationInstanceCreated) merged into its completion, which gains
/// FunctionName and ScheduledTime. A scheduled call with no completion yet stays, so in-flight work is visible.
/// Results and inputs appear only with showHistoryOutput, as they may be large.
/// </summary>
internal static class HistoryView
{
    public static JsonArray Render(IReadOnlyList<HistoryEvent> history, bool showOutput)
    {
        var scheduled = history
            .Where(e => e.EventType is HistoryEventType.TaskScheduled or HistoryEventType.SubOrchestrationInstanceCreated)
            .GroupBy(e => (e.EventType, e.EventId))
            .ToDictionary(g => g.Key, g => g.First());
        var completed = history
            .Where(e => e.TaskScheduledId is not null && IsCompletion(e.EventType))
            .Select(e => (ScheduledKind(e.EventType), e.TaskScheduledId!.Value))
            .ToHashSet();

        var events = new JsonArray();
        foreach (var e in history)
        {
            if (e.EventType is HistoryEventType.OrchestratorStarted or HistoryEventType.OrchestratorCompleted)
            {
                continue;
            }

            if (e.EventType is HistoryEventType.TaskScheduled or HistoryEventType.SubOrchestrationInstanceCreated
                && completed.Contains((e.EventType, e.EventId)))
            {
                continue;
            }

            var node = new JsonObject
            {
                ["EventType"] = e.EventType.ToString(),
                ["EventId"] = e.EventId,
                ["Timestamp"] = Timestamps.Precise(e.Timestamp),
            };
            AddDetails(node, e, showOutput);
            if (e.TaskScheduledId is { } id && IsCompletion(e.EventType)
                && scheduled.TryGetValue((ScheduledKind(e.EventType), id), out var origin))
            {
                node["FunctionName"] = origin.Name;
                node["ScheduledTime"] = Timestamps.Precise(origin.Timestamp);
                node["TaskScheduledId"] = id;
            }

            events.Add(node);
        }

        return events;
    }

    private static void AddDetails(JsonObject node, HistoryEvent e, bool showOutput)
    {
        switch (e.EventType)
        {
            case HistoryEventType.ExecutionStarted:
                node["FunctionName"] = e.Name;
                if (e.ScheduledStartTime is { } start)
                {
                    node["ScheduledStartTime"] = Timestamps.Precise(start);
                }

                if (showOutput)
                {
                    node["Input"] = JsonText.ToNode(e.Input);
                }

                break;
            case HistoryEventType.ExecutionCompleted or HistoryEventType.ExecutionFailed:
                node["OrchestrationStatus"] = e.OrchestrationStatus?.ToString();
                AddFailure(node, e);
                if (showOutput)
                {
                    node["Result"] = JsonText.ToNode(e.Result);
                }

                break;
            case HistoryEventType.ExecutionTerminated or HistoryEventType.ExecutionSuspended or HistoryEventType.ExecutionResumed:
                node["Reason"] = e.Reason;
                if (showOutput && e.Input is not null)
                {
                    node["Input"] = JsonText.ToNode(e.Input);
                }

                break;
            case HistoryEventType.TaskScheduled or HistoryEventType.SubOrchestrationInstanceCreated:
                node["FunctionName"] = e.Name;
                if (e.InstanceId is not null && e.EventType == HistoryEventType.SubOrchestrationInstanceCreated)
                {
                    node["InstanceId"] = e.InstanceId;
                }

                break;
            case HistoryEventType.TaskCompleted or HistoryEventType.SubOrchestrationInstanceCompleted:
                if (showOutput)
                {
                    node["Result"] = JsonText.ToNode(e.Result);
                }

                break;
            case HistoryEventType.TaskFailed or HistoryEventType.SubOrchestrationInstanceFailed:
                AddFailure(node, e);
                break;
            case HistoryEventType.TimerCreated or HistoryEventType.TimerFired:
                node["FireAt"] = e.FireAt is { } fireAt ? Timestamps.Precise(fireAt) : null;
                if (e.TimerId is { } timerId)
                {
                    node["TimerId"] = timerId;
                }

                break;
            case HistoryEventType.EventRaised or HistoryEventType.EventSent:
                node["Name"] = e.Name;
                if (showOutput)
                {
                    node["Input"] = JsonText.ToNode(e.Input);
                }

                break;
        }
    }

    private static void AddFailure(JsonObject node, HistoryEvent e)
    {
        if (e.FailureDetails is { } failure)
        {
            node["Reason"] = failure.ErrorMessage;
            node["Details"] = failure.ErrorType;
        }
    }

    private static bool IsCompletion(HistoryEventType type) => type is HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed
        or HistoryEventType.SubOrchestrationInstanceCompleted or HistoryEventType.SubOrchestrationInstanceFailed;

    private static HistoryEventType ScheduledKind(HistoryEventType completion) =>
        completion is HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed
            ? HistoryEventType.TaskScheduled
            : HistoryEventType.SubOrchestrationInstanceCreated;
}
