namespace BackupFunctions.Workflows.Admission;

/// <summary>Whether a run got a slot, and which runs hold the database's slots (those it lost to, when refused).</summary>
public sealed record AdmissionDecision(bool Admitted, IReadOnlyList<AdmissionSlot> Holders);
