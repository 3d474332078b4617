namespace BackupFunctions.Workflows.Activities;

/// <summary>One attempt of an activity: who called it, and the token that ends it (its deadline or the host stopping).</summary>
public sealed record ActivityRun(string Name, string InstanceId, CancellationToken CancellationToken);
