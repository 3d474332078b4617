namespace BackupFunctions.Durable;

public sealed record PurgeResult(int PurgedInstanceCount);
