using System.Text.Encodings.Web;
using System.Text.Json;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// The bytes a manifest signature covers: the JSON document without its top-level "signature", with
/// object members sorted by name (ordinal), no white space, strings re-escaped one fixed way and
/// numbers as written. Layout and member order therefore do not matter; every value does, including
/// fields a newer version added that this one does not know.
/// </summary>
internal static class ManifestCanonicalJson
{
    public const string SignatureProperty = "signature";
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.Default, SkipValidation = false };

    public static byte[] Bytes(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, root, topLevel: true);
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement e, bool topLevel)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (topLevel && p.Name == SignatureProperty) continue;
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value, topLevel: false);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(writer, item, topLevel: false);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(e.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(e.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.True: writer.WriteBooleanValue(true); break;
            case JsonValueKind.False: writer.WriteBooleanValue(false); break;
            default: writer.WriteNullValue(); break;
        }
    }
}
