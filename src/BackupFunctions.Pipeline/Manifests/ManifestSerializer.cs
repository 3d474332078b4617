using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// manifest.json: System.Text.Json, camelCase, enums as camelCase strings. Readers accept unknown
/// fields (added by newer minor versions) but refuse a higher manifestVersion.
/// </summary>
public static class ManifestSerializer
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // A null where the type says never-null (e.g. "rowCounts": null) is a format error here, not a
            // NullReferenceException somewhere downstream; a field given twice is ambiguous, so refused.
            RespectNullableAnnotations = true,
            AllowDuplicateProperties = false,
            // The manifest's metadata is generated (ManifestJsonContext); other records written with these options
            // (PITR's, PitrJson) are still described by reflection.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ManifestJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        // The manifest's own enums get their converters directly, not made by reflection (MakeGenericType) from the
        // factory below, which stays for any other enum; the names written are the same.
        o.Converters.Add(new JsonStringEnumConverter<BackupKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter<CompressionKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    // The generated metadata bound to Options, so each call skips the lookup by type.
    private static readonly JsonTypeInfo<BackupManifest> ManifestInfo = (JsonTypeInfo<BackupManifest>)Options.GetTypeInfo(typeof(BackupManifest));

    public static string Serialize(BackupManifest manifest) => JsonSerializer.Serialize(Normalize(manifest), ManifestInfo);

    public static byte[] SerializeToUtf8Bytes(BackupManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(Normalize(manifest), ManifestInfo);

    public static BackupManifest Deserialize(string json) => Check(Parse(() => JsonSerializer.Deserialize(json, ManifestInfo)));

    public static BackupManifest Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        BackupManifest? m;
        try { m = JsonSerializer.Deserialize(utf8Json, ManifestInfo); }
        catch (JsonException e) { throw new FormatException($"The manifest is not valid: {e.Message}", e); }
        return Check(m);
    }

    public static async Task<BackupManifest> DeserializeAsync(Stream utf8Json, CancellationToken ct = default)
    {
        BackupManifest? m;
        try { m = await JsonSerializer.DeserializeAsync(utf8Json, ManifestInfo, ct).ConfigureAwait(false); }
        catch (JsonException e) { throw new FormatException($"The manifest is not valid: {e.Message}", e); }
        return Check(m);
    }

    private static BackupManifest? Parse(Func<BackupManifest?> f)
    {
        try { return f(); }
        catch (JsonException e) { throw new FormatException($"The manifest is not valid: {e.Message}", e); }
    }

    private static BackupManifest Check(BackupManifest? m)
    {
        if (m is null) throw new FormatException("The manifest is empty (JSON null).");
        if (m.ManifestVersion > BackupManifest.CurrentManifestVersion || m.ManifestVersion < 1)
            throw new FormatException($"Manifest version {m.ManifestVersion} is not supported (this build reads up to {BackupManifest.CurrentManifestVersion}); upgrade BackupFunctions.");
        return Normalize(m);
    }

    // Row counts in a stable order, so the same manifest always serializes to the same bytes.
    private static BackupManifest Normalize(BackupManifest m) =>
        m.RowCounts is null or SortedDictionary<string, long> ? m : m with { RowCounts = new SortedDictionary<string, long>(m.RowCounts.ToDictionary(), StringComparer.Ordinal) };
}
