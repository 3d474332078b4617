using System.Text.Json.Serialization;

namespace BackupFunctions.Host.CustomHandler;

/// <summary>What a custom handler answers to a non-HTTP invocation.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static InvocationResponse WithLogs(params string[] logs) => new([], logs, null);
}
