using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupFunctions.Host.Management;

/// <summary>Stored payloads are JSON text; the API shows them as JSON values, not as strings holding JSON.</summary>
internal static class JsonText
{
    public static JsonNode? ToNode(string? serialized)
    {
        if (serialized is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(serialized);
        }
        catch (JsonException)
        {
            // Not JSON (written by some other converter): show it as the text it is.
            return JsonValue.Create(serialized);
        }
    }
}
