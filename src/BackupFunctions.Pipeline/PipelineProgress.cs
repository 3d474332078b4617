namespace BackupFunctions.Pipeline;

/// <summary>Bytes so far: plain bytes read from the source (or written to pg_restore) and stored artifact bytes.</summary>
public readonly record struct PipelineProgress(long PlainBytes, long StoredBytes);
