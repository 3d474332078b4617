using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupFunctions.Api;

/// <summary>The JSON conventions of the HTTP API (docs/http-api.md): camelCase, enums as strings.</summary>
public static class ApiJson
{
    /// <summary>For answers.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// For request bodies: like <see cref="Options"/>, but an unknown property is an error, so a misspelt
    /// "databse" is a 400 instead of a silent backup of the default database.
    /// </summary>
    public static JsonSerializerOptions StrictRequest { get; } = ReadOnly(new(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });

    // Read-only with its resolver in place, so request types' metadata (the fields they take) can be asked for.
    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Applies the conventions to options a framework owns (ASP.NET Core's JsonOptions).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
