using System.Text.Json.Nodes;
using DurableTask.Core.History;

namespace BackupFunctions.Host.Management;

/// <summary>
/// Renders a history as Durable Functions shows it: EventType as a string, OrchestratorStarted/Completed left out,
/// and each TaskScheduled (or SubOrchestrationInstanceCreated) merged into its completion, which gains
/// FunctionName and ScheduledTime. A scheduled call with no completion yet stays, so in-flight work is visible.
/// Results and inputs appear only with showHistoryOutput, as they may be large. The input is the framework's own
/// history as its Azure Storage provider serializes it (one JSON object per event, EventType as a number).
/// </summary>
internal static class HistoryView
{
    public static JsonArray Render(string serializedHistory, bool showOutput) =>
        Render(JsonNode.Parse(serializedHistory) as JsonArray ?? [], showOutput);

    public static JsonArray Render(JsonArray history, bool showOutput)
    {
        var events = history.OfType<JsonObject>().Select(e => (Type: TypeOf(e), Event: e)).ToList();
        var scheduled = events.Where(e => e.Type is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated)
            .GroupBy(e => (e.Type, Id: Int(e.Event, "EventId")))
            .ToDictionary(g => g.Key, g => g.First().Event);
        var completed = events.Where(e => IsCompletion(e.Type))
            .Select(e => (ScheduledKind(e.Type), Int(e.Event, "TaskScheduledId")))
            .ToHashSet();

        var view = new JsonArray();
        foreach (var (type, e) in events)
        {
            if (type is EventType.OrchestratorStarted or EventType.OrchestratorCompleted
                || (type is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated && completed.Contains((type, Int(e, "EventId")))))
            {
                continue;
            }

            var node = new JsonObject
            {
                ["EventType"] = type.ToString(),
                ["EventId"] = Int(e, "EventId"),
                ["Timestamp"] = e["Timestamp"]?.DeepClone(),
            };
            AddDetails(node, type, e, showOutput);
            if (IsCompletion(type) && scheduled.TryGetValue((ScheduledKind(type), Int(e, "TaskScheduledId")), out var origin))
            {
                node["FunctionName"] = origin["Name"]?.DeepClone();
                node["ScheduledTime"] = origin["Timestamp"]?.DeepClone();
                node["TaskScheduledId"] = Int(e, "TaskScheduledId");
            }

            view.Add(node);
        }

        return view;
    }

    private static void AddDetails(JsonObject node, EventType type, JsonObject e, bool showOutput)
    {
        switch (type)
        {
            case EventType.ExecutionStarted:
                node["FunctionName"] = e["Name"]?.DeepClone();
                Copy(node, e, "ScheduledStartTime");
                Payload(node, e, "Input", showOutput);
                break;
            case EventType.ExecutionCompleted or EventType.ExecutionFailed:
                node["OrchestrationStatus"] = e["OrchestrationStatus"] is JsonValue v && v.TryGetValue<int>(out var status)
                    ? ((DurableTask.Core.OrchestrationStatus)status).ToString()
                    : e["OrchestrationStatus"]?.DeepClone();
                Failure(node, e);
                Payload(node, e, "Result", showOutput);
                break;
            case EventType.ExecutionTerminated or EventType.ExecutionSuspended or EventType.ExecutionResumed:
                Copy(node, e, "Reason");
                Payload(node, e, "Input", showOutput);
                break;
            case EventType.TaskScheduled:
                node["FunctionName"] = e["Name"]?.DeepClone();
                break;
            case EventType.SubOrchestrationInstanceCreated:
                node["FunctionName"] = e["Name"]?.DeepClone();
                Copy(node, e, "InstanceId");
                break;
            case EventType.TaskCompleted or EventType.SubOrchestrationInstanceCompleted:
                Payload(node, e, "Result", showOutput);
                break;
            case EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed:
                Failure(node, e);
                break;
            case EventType.TimerCreated or EventType.TimerFired:
                Copy(node, e, "FireAt");
                Copy(node, e, "TimerId");
                break;
            case EventType.EventRaised or EventType.EventSent:
                Copy(node, e, "Name");
                Payload(node, e, "Input", showOutput);
                break;
        }
    }

    private static void Failure(JsonObject node, JsonObject e)
    {
        if (e["FailureDetails"] is JsonObject failure)
        {
            node["Reason"] = failure["ErrorMessage"]?.DeepClone();
            node["Details"] = failure["ErrorType"]?.DeepClone();
        }
        else
        {
            Copy(node, e, "Reason");
        }
    }

    private static void Payload(JsonObject node, JsonObject e, string name, bool show)
    {
        if (show)
        {
            node[name] = JsonText.ToNode(e[name]?.GetValue<string>());
        }
    }

    private static void Copy(JsonObject node, JsonObject e, string name)
    {
        if (e[name] is { } value)
        {
            node[name] = value.DeepClone();
        }
    }

    private static EventType TypeOf(JsonObject e) => e["EventType"] switch
    {
        JsonValue v when v.TryGetValue<int>(out var n) => (EventType)n,
        JsonValue v when Enum.TryParse<EventType>(v.ToString(), out var t) => t,
        _ => EventType.GenericEvent,
    };

    private static int Int(JsonObject e, string name) => e[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : -1;

    private static bool IsCompletion(EventType type) => type is EventType.TaskCompleted or EventType.TaskFailed
        or EventType.SubOrchestrationInstanceCompleted or EventType.SubOrchestrationInstanceFailed;

    private static EventType ScheduledKind(EventType completion) =>
        completion is EventType.TaskCompleted or EventType.TaskFailed ? EventType.TaskScheduled : EventType.SubOrchestrationInstanceCreated;
}
