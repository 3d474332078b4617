namespace BackupFunctions.Pipeline.Inspection;

/// <summary>A table whose row count differs; a null count means the table is missing on that side.</summary>
public sealed record RowCountMismatch(string Table, long? Expected, long? Actual)
{
    public override string ToString() => (Expected, Actual) switch
    {
        (null, _) => $"{Table}: not in the backup's manifest, but has {Actual} rows after restore",
        (_, null) => $"{Table}: missing after restore (expected {Expected} rows)",
        _ => $"{Table}: expected {Expected} rows, found {Actual}",
    };
}
