namespace BackupFunctions.Workflows.Alerts;

/// <summary>What a rule concluded about one condition: raise it (with severity, code and message) or resolve it (message = the reason).</summary>
public sealed record AlertDecision(bool Raise, string DedupeKey, string Severity, string Code, string Message)
{
    public static AlertDecision Raised(string key, string severity, string code, string message) => new(true, key, severity, code, message);

    public static AlertDecision Cleared(string key, string reason) => new(false, key, "", "", reason);
}
