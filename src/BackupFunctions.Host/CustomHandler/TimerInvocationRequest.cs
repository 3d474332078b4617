using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupFunctions.Host.CustomHandler;

/// <summary>
/// The body the Azure Functions host POSTs to a custom handler at /{FunctionName} when a timer
/// trigger fires: {"Data":{"timer":{...}},"Metadata":{"sys":{"MethodName","UtcNow","RandGuid"}}}.
/// </summary>
public sealed class TimerInvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement>? Data { get; set; }

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement>? Metadata { get; set; }

    /// <summary>The host's clock at invocation (Metadata.sys.UtcNow), when it sent one.</summary>
    public DateTime? UtcNow()
    {
        if (Metadata is null || !Metadata.TryGetValue("sys", out var sys) || sys.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!sys.TryGetProperty("UtcNow", out var now) || now.ValueKind != JsonValueKind.String || !now.TryGetDateTime(out var parsed))
        {
            return null;
        }

        // The name says UTC; a value without an offset must not be taken as this machine's local time.
        return parsed.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(parsed, DateTimeKind.Utc) : parsed.ToUniversalTime();
    }

    /// <summary>Whether the host reports the invocation as late (Data.{binding}.IsPastDue).</summary>
    public bool IsPastDue() =>
        Data?.Values.Any(v => v.ValueKind == JsonValueKind.Object
            && v.TryGetProperty("IsPastDue", out var p) && p.ValueKind == JsonValueKind.True) ?? false;
}
