using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// The key file format: JSON <c>{"keyId":"...","key":"base64","createdAt":"...","current":false}</c>,
/// written with mode 0600. Generating never overwrites an existing file, because losing a key makes
/// every backup written with it unreadable.
/// </summary>
public static class KeyFile
{
    public sealed record Entry(KeyEncryptionKey Key, DateTimeOffset? CreatedAt, bool Current);

    private sealed class Dto
    {
        [JsonPropertyName("keyId")] public string? KeyId { get; set; }
        [JsonPropertyName("key")] public string? Key { get; set; }
        [JsonPropertyName("createdAt")] public DateTimeOffset? CreatedAt { get; set; }
        [JsonPropertyName("current")] public bool Current { get; set; }
    }

    /// <summary>Creates a new random key and writes it to <paramref name="path"/> (which must not exist).</summary>
    public static KeyEncryptionKey Generate(string path, string keyId, bool current = false)
    {
        var key = KeyEncryptionKey.Generate(keyId);
        Write(path, key, current);
        return key;
    }

    public static void Write(string path, KeyEncryptionKey key, bool current = false)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dto
        {
            KeyId = key.KeyId,
            Key = key.ToBase64(),
            CreatedAt = DateTimeOffset.UtcNow,
            Current = current,
        }, new JsonSerializerOptions { WriteIndented = true });
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var fs = new FileStream(path, options);
            fs.Write(json);
            fs.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new IOException($"Key file '{path}' already exists; refusing to overwrite a key (backups made with it would become unreadable). Choose another path.");
        }
    }

    public static Entry Read(string path)
    {
        Dto? dto;
        try { dto = JsonSerializer.Deserialize<Dto>(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new FormatException($"Key file '{path}' is not valid JSON: {e.Message}"); }
        if (dto?.KeyId is not { Length: > 0 } id || dto.Key is not { Length: > 0 } b64)
            throw new FormatException($"Key file '{path}' must hold \"keyId\" and \"key\" (base64 of 32 bytes).");
        return new Entry(KeyEncryptionKey.FromBase64(id, b64), dto.CreatedAt, dto.Current);
    }
}
