using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>An ascending sequence that feeds a column (serial, identity, or a nextval default); <see cref="Sequence"/> is its qualified SQL name.</summary>
public sealed record SequenceColumn(string Sequence, TableName Table, string Column);
