using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline;

/// <summary>How an artifact is restored with pg_restore.</summary>
public sealed record RestoreOptions
{
    /// <summary>Hex SHA-256 of the whole artifact (from the manifest). Strongly recommended: checked before the last chunks reach pg_restore.</summary>
    public string? ExpectedStoredSha256 { get; init; }
    /// <summary>Hex SHA-256 of the plain dump (from the manifest); checked at the end.</summary>
    public string? ExpectedPlainSha256 { get; init; }
    /// <summary>What the manifest says the artifact is (identity, format version, key); checked against the header before any plaintext.</summary>
    public ArtifactExpectation? Expected { get; init; }
    /// <summary>--no-owner: objects owned by the restoring user (for a server without the original roles).</summary>
    public bool NoOwner { get; init; }
    /// <summary>--no-privileges (--no-acl).</summary>
    public bool NoPrivileges { get; init; }
    /// <summary>
    /// --single-transaction: all or nothing. With it, a restore stopped by a bad chunk leaves the
    /// target as it was. (pg_restore refuses it with -j: the parallel restore, <see cref="Jobs"/> &gt; 1, runs without it.)
    /// </summary>
    public bool SingleTransaction { get; init; } = true;
    /// <summary>--exit-on-error (always recommended: otherwise pg_restore skips failed statements).</summary>
    public bool ExitOnError { get; init; } = true;
    /// <summary>More pg_restore arguments (e.g. --schema=sales, --clean --if-exists).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    /// <summary>
    /// Which client to use; null picks by the target server's version (<see cref="PgClientLocator.ForRestore"/>:
    /// the same major, else the lowest newer, else the highest older).
    /// </summary>
    public PgClientInstallation? Client { get; init; }
    /// <summary>
    /// Whether the SQL goes through <see cref="Scripts.SqlScriptFilter"/> and psql, which drops SET
    /// statements for parameters the server does not know (a newer pg_restore's
    /// <c>SET transaction_timeout = 0</c> on a server before 17). Auto: when pg_restore is newer than the server.
    /// </summary>
    public SetFilterMode SetFilter { get; init; } = SetFilterMode.Auto;
    public int StageBufferBytes { get; init; } = 4 << 20;
    /// <summary>
    /// pg_restore workers. Above 1 (and when the SET filter is not needed) the artifact is decoded to a
    /// file in <see cref="StagingDirectory"/>, given data offsets and restored with <c>pg_restore -j</c>:
    /// faster, but NOT atomic (no single transaction), so only for a database the caller can drop on failure.
    /// </summary>
    public int Jobs { get; init; } = 1;
    /// <summary>
    /// With <see cref="Jobs"/> &gt; 1 and a custom-format dump: create the schema (pg_restore --section=pre-data)
    /// from the archive's TOC while the rest of the artifact still decodes (<see cref="PreDataRestore"/>), and load
    /// each table's data as soon as its block is decoded (<see cref="OverlappedDataRestore"/>), both before the
    /// artifact's whole-object hashes are checked. Only for a database the caller created and drops when the restore
    /// fails; ignored when <see cref="ExtraArguments"/> are given (they may choose sections themselves).
    /// </summary>
    public bool OverlapDecode { get; init; }
    /// <summary>
    /// With <see cref="OverlapDecode"/>: told, as each batch of tables commits while the artifact still decodes, which
    /// tables it loaded. Their rows do not change after that (the post-data section adds indexes, constraints and triggers),
    /// so the caller may count them while the rest loads (<see cref="Inspection.LoadedTableCounts"/>).
    /// </summary>
    public Action<IReadOnlyList<Inspection.TableName>>? TablesLoaded { get; init; }
    /// <summary>
    /// With <see cref="OverlapDecode"/>: each table's data size from the manifest ("schema.table"), so that a free slot waits
    /// for a larger table still decoding instead of starting a smaller one (largest first, as <c>pg_restore -j</c>).
    /// </summary>
    public IReadOnlyDictionary<string, long>? TableDataBytes { get; init; }
    /// <summary>Where the parallel restore writes the plain dump (deleted afterwards); required when <see cref="Jobs"/> &gt; 1.</summary>
    public string? StagingDirectory { get; init; }
    /// <summary>The plain dump's size (the manifest's rawBytes): the parallel restore needs that much free space, else it streams.</summary>
    public long? PlainBytes { get; init; }
    /// <summary>
    /// The manifest's dumpFormat. <see cref="DumpFormats.Directory"/> (a parallel dump) is always unpacked
    /// into <see cref="StagingDirectory"/> first, so such a restore needs that directory and the plain size free.
    /// </summary>
    public string DumpFormat { get; init; } = DumpFormats.Custom;
    /// <summary>Free bytes at a directory; null asks the file system. (Tests simulate a full disk with it.)</summary>
    public Func<string, long>? FreeSpaceProbe { get; init; }
}
