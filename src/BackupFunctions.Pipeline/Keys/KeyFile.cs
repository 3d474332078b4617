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

    internal sealed class Dto
    {
        [JsonPropertyName("keyId")] public string? KeyId { get; set; }
        [JsonPropertyName("key")] public string? Key { get; set; }
        [JsonPropertyName("createdAt")] public DateTimeOffset? CreatedAt { get; set; }
        [JsonPropertyName("current")] public bool Current { get; set; }
    }

    /// <summary>
    /// Writes a new key over an existing key file (backupctl keys new --force). The old file is kept
    /// beside it as <c>&lt;name&gt;.replaced-&lt;UTC time&gt;</c>: backups made with the old key need
    /// it, and a replaced key cannot be made again. Returns that path. The new file is written in full
    /// before the rename, so the path always holds a whole key.
    /// </summary>
    public static string Replace(string path, KeyEncryptionKey key, bool current = false)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        Write(temp, key, current);
        var kept = $"{path}.replaced-{DateTime.UtcNow:yyyyMMddTHHmmssfffZ}";
        File.Copy(path, kept);
        File.Move(temp, path, overwrite: true);
        return kept;
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
        }, KeyFileJsonContext.Default.Dto);
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

    /// <summary>Reads a key file; one that other users can read or change is refused (<see cref="KeyFilePermissions"/>).</summary>
    public static Entry Read(string path)
    {
        KeyFilePermissions.EnsurePrivateFile(path);
        Dto? dto;
        try { dto = JsonSerializer.Deserialize(File.ReadAllBytes(path), KeyFileJsonContext.Default.Dto); }
        catch (JsonException e) { throw new FormatException($"Key file '{path}' is not valid JSON: {e.Message}"); }
        if (dto?.KeyId is not { Length: > 0 } id || dto.Key is not { Length: > 0 } b64)
            throw new FormatException($"Key file '{path}' must hold \"keyId\" and \"key\" (base64 of 32 bytes).");
        return new Entry(KeyEncryptionKey.FromBase64(id, b64), dto.CreatedAt, dto.Current);
    }
}
