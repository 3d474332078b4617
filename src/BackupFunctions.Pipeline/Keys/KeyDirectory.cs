namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// A directory of key files (<c>*.json</c>, one key each) and a <c>current</c> marker file naming the
/// key id new backups use. Every key file is loaded, so backups of earlier rotations stay readable, but
/// only the marker (written by <c>backupctl keys use</c>) decides the current key: a file dropped into
/// the directory, even one that says <c>"current": true</c>, never becomes current by itself.
/// <para>
/// Migration: a directory without a marker (from before markers existed) keeps the key it used to
/// pick (the file marked current, else the newest), and the marker is written then, so the choice is
/// fixed from that moment. A read-only directory (a mounted secret) cannot take the marker; it keeps
/// the old rule, and nobody can drop a file into it either.
/// </para>
/// </summary>
public static class KeyDirectory
{
    public const string CurrentMarker = "current";

    public static KeyRing Load(string directory, string? currentKeyId = null)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Key directory '{directory}' does not exist.");
        KeyFilePermissions.EnsurePrivateDirectory(directory);
        var entries = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(KeyFile.Read).ToList();
        var ring = new KeyRing();
        foreach (var e in entries) ring.Add(e.Key);
        if (currentKeyId is not null)
        {
            ring.SetCurrent(currentKeyId);
            return ring;
        }

        var marker = Path.Combine(directory, CurrentMarker);
        if (File.Exists(marker))
        {
            var named = File.ReadAllText(marker).Trim();
            if (!ring.TryGet(named, out _))
            {
                throw new InvalidOperationException(
                    $"The current marker '{marker}' names key '{named}', which no key file in '{directory}' holds. Restore that key file, or choose one with 'backupctl keys use <id> --dir {directory}'.");
            }

            ring.SetCurrent(named);
            return ring;
        }

        if (LegacyPick(directory, entries) is { } legacy)
        {
            ring.SetCurrent(legacy);
            TryWriteMarker(directory, legacy);
        }

        return ring;
    }

    /// <summary>Makes <paramref name="keyId"/> the current key of the directory (the operator's explicit choice); false when no key file holds it.</summary>
    public static bool Use(string directory, string keyId)
    {
        var ring = Load(directory, currentKeyId: null);
        if (!ring.TryGet(keyId, out _)) return false;
        WriteMarker(directory, keyId);
        return true;
    }

    /// <summary>What a directory without a marker used to choose: the one file marked current, else the newest createdAt.</summary>
    private static string? LegacyPick(string directory, List<KeyFile.Entry> entries)
    {
        var marked = entries.Where(e => e.Current).ToList();
        if (marked.Count > 1)
            throw new InvalidOperationException(
                $"More than one key file in '{directory}' is marked current ({string.Join(", ", marked.Select(m => m.Key.KeyId))}) and there is no '{CurrentMarker}' marker: choose with 'backupctl keys use <id> --dir {directory}'.");
        if (marked.Count == 1) return marked[0].Key.KeyId;
        return entries.Count == 0 ? null
            : entries.OrderBy(e => e.CreatedAt ?? DateTimeOffset.MinValue).ThenBy(e => e.Key.KeyId, StringComparer.Ordinal).Last().Key.KeyId;
    }

    private static void TryWriteMarker(string directory, string keyId)
    {
        try
        {
            WriteMarker(directory, keyId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only directory: the legacy rule stays, and nobody can add a file to it either.
        }
    }

    /// <summary>Written beside, then renamed over the marker, so a reader sees the old or the new id, never half a file.</summary>
    private static void WriteMarker(string directory, string keyId)
    {
        var marker = Path.Combine(directory, CurrentMarker);
        var temp = Path.Combine(directory, $".{CurrentMarker}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(temp, options))
        using (var writer = new StreamWriter(fs))
        {
            writer.Write(keyId + "\n");
        }

        File.Move(temp, marker, overwrite: true);
    }
}
