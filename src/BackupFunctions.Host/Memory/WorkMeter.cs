namespace BackupFunctions.Host.Memory;

/// <summary>What the host counts as heavy work: block-parallel compression (every backup) and partitioned uploads (cloud targets).</summary>
/// <param name="Started">Work started in this process since it began listening (<see cref="WorkListener"/>).</param>
/// <param name="Running">Work running now.</param>
internal readonly record struct WorkMeter(long Started, int Running);
