using System.Text.Json;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>A manifest that passed every check on read, and how far it can be trusted.</summary>
public sealed record TrustedManifest(BackupManifest Manifest, ManifestTrust Trust)
{
    public bool Signed => Trust == ManifestTrust.Signed;
}

/// <summary>
/// The one way manifest.json is read from a target: bounded in size, parsed, validated
/// (<see cref="ManifestValidator"/>) and its signature checked (<see cref="ManifestSigner"/>). Unsigned
/// manifests are accepted only where the format predates signing (manifest version 1 of a format-1
/// artifact); a newer manifest without its signature had it removed, and is refused as forged.
/// </summary>
public static class ManifestReader
{
    /// <summary>Larger than any manifest the writer makes (row counts of a huge schema, the globals), small enough to hold.</summary>
    public const int MaxBytes = 16 << 20;

    /// <exception cref="InvalidManifestException">Unreadable, malformed, altered or forged.</exception>
    public static async Task<TrustedManifest> ReadAsync(Stream utf8Json, KeyRing keys, CancellationToken ct = default)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[64 << 10];
        int n;
        while ((n = await utf8Json.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBytes)
                throw new InvalidManifestException($"The manifest is larger than {MaxBytes / (1 << 20)} MiB; no manifest this software writes is, so it is not read.");
            buffer.Write(chunk, 0, n);
        }

        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), keys);
    }

    /// <exception cref="InvalidManifestException">Unreadable, malformed, altered or forged.</exception>
    public static TrustedManifest Read(ReadOnlySpan<byte> utf8Json, KeyRing keys)
    {
        if (utf8Json.Length > MaxBytes) throw new InvalidManifestException($"The manifest is larger than {MaxBytes / (1 << 20)} MiB.");
        // The deserializer skips unknown members without decoding them; the signature check does not (found by ReaderFuzzTests).
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json)) throw new InvalidManifestException("The manifest is not valid UTF-8 text.");
        BackupManifest manifest;
        try
        {
            manifest = ManifestSerializer.Deserialize(utf8Json);
        }
        catch (InvalidManifestException) { throw; }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidManifestException($"The manifest cannot be read: {e.Message}", e);
        }

        ManifestValidator.Validate(manifest);
        if (manifest.Signature is null)
        {
            if (manifest.ManifestVersion >= 2 || manifest.FormatVersion >= 2)
                throw new InvalidManifestException(
                    $"The manifest of '{manifest.BackupId}' has no signature, but it describes manifest version {manifest.ManifestVersion} / artifact format {manifest.FormatVersion}, which are always signed: its signature was removed. It is ignored; use another target's copy.") { Forged = true };
            return new TrustedManifest(manifest, ManifestTrust.Unsigned);
        }

        using var doc = JsonDocument.Parse(utf8Json.ToArray());
        ManifestSigner.Verify(doc.RootElement, manifest.Signature, keys);
        return new TrustedManifest(manifest, ManifestTrust.Signed);
    }
}
