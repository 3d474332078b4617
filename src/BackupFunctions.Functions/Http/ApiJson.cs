using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupFunctions.Functions.Http;

/// <summary>The JSON conventions of the HTTP API (docs/http-api.md): camelCase, enums as strings.</summary>
public static class ApiJson
{
    /// <summary>For answers.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>
    /// For request bodies: an unknown property is an error, so a misspelt "databse" is a 400 instead of a silent
    /// backup of the default database.
    /// </summary>
    public static JsonSerializerOptions StrictRequest { get; } = new(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
