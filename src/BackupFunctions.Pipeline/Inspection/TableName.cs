namespace BackupFunctions.Pipeline.Inspection;

/// <summary>A user table. <see cref="Qualified"/> ("schema.table", unquoted) is the key of manifest row counts.</summary>
public sealed record TableName(string Schema, string Name)
{
    public string Qualified => $"{Schema}.{Name}";

    /// <summary>The SQL form with both parts quoted as identifiers.</summary>
    public string Quoted => $"{QuoteIdentifier(Schema)}.{QuoteIdentifier(Name)}";

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public override string ToString() => Qualified;
}
