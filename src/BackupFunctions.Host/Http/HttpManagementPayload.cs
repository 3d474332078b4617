namespace BackupFunctions.Host.Http;

/// <summary>The Durable Functions "check status" payload that answers a start (and the body of a 202).</summary>
public sealed record HttpManagementPayload(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string PurgeHistoryDeleteUri,
    string RestartPostUri,
    string SuspendPostUri,
    string ResumePostUri);
