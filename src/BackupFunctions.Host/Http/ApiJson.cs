using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupFunctions.Host.Http;

/// <summary>The JSON conventions of the HTTP API: camelCase, enums as strings.</summary>
internal static class ApiJson
{
    /// <summary>For answers.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// For request bodies: like <see cref="Options"/>, but an unknown property is an error, so a misspelt
    /// "databse" is a 400 instead of a silent backup of the default database.
    /// </summary>
    public static JsonSerializerOptions StrictRequest { get; } = new(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
