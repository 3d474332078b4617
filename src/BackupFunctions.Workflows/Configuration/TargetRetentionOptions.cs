namespace BackupFunctions.Workflows.Configuration;

/// <summary>One target's retention rules, and per backup kind (full, tenant, files, globals) the fields that differ.</summary>
public sealed class TargetRetentionOptions : RetentionRuleOptions
{
    public Dictionary<string, RetentionRuleOptions> Kinds { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
