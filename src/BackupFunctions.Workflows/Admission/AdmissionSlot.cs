namespace BackupFunctions.Workflows.Admission;

/// <summary>One taken slot: the run that holds it, since when (by the database's clock), and whether a schedule took it.</summary>
public sealed record AdmissionSlot(string InstanceId, string Database, TimeSpan Age, bool Scheduled);
