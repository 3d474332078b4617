using System.Text.Json;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>The PITR records in the same JSON dialect as manifest.json (camelCase, enums as strings).</summary>
public static class PitrJson
{
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, ManifestSerializer.Options);

    public static T Deserialize<T>(byte[] utf8, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, ManifestSerializer.Options) ?? throw new FormatException($"{what} is empty (JSON null).");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not valid: {e.Message}", e);
        }
    }
}
