namespace BackupFunctions.Targets.Upload;

/// <summary>How <see cref="PartitionedUploader"/> splits and sends one object.</summary>
/// <param name="PartSize">The minimum part size; grown for large objects (see <see cref="PartSizing"/>).</param>
/// <param name="MaxParts">The store's part limit.</param>
/// <param name="Parallelism">Parts in flight at once; memory use is at most (Parallelism + 1) × part size.</param>
/// <param name="PartAttempts">Tries per part (and per single put) on transient errors. A part is in memory, so replaying it is free even when the source stream is not seekable.</param>
internal sealed record UploadSettings(int PartSize, int MaxParts, int Parallelism, int PartAttempts = 3);
