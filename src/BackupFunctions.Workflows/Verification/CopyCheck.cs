namespace BackupFunctions.Workflows.Verification;

/// <summary>
/// The state of one target's copy after a re-read. <see cref="Intact"/> means the bytes hash to
/// the manifest's SHA-256, every chunk authenticated with our keys, and the plaintext is a pg_dump archive.
/// </summary>
public sealed record CopyCheck(string Target, string ObjectKey, bool Intact, long Bytes, string? ActualSha256, TimeSpan Duration, string? Error)
{
    /// <summary>
    /// The target could not be read (unreachable, refused, misconfigured): nothing is known about the
    /// copy itself, which is a different alarm from damaged bytes or a key that does not open them.
    /// </summary>
    public bool Unreachable { get; init; }

    /// <summary>The copy could not be read, so <see cref="Bytes"/> is no size at all (show "unreadable", not 0 B).</summary>
    public bool SizeUnknown { get; init; }
}
