namespace BackupFunctions.Pipeline.Merge;

/// <summary>
/// What a data merge runs, in one transaction: <see cref="Prologue"/> (checks, deletes), then the
/// data of <see cref="Load"/> in that order (pg_restore --data-only --use-list), then <see cref="Epilogue"/>
/// (sequences, row checks). The SQL parts are psql script text; an error in them rolls everything back.
/// </summary>
public sealed record DataMergePlan(IReadOnlyList<TocEntry> Load, string Prologue, string Epilogue);
