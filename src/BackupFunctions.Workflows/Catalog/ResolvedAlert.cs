namespace BackupFunctions.Workflows.Catalog;

/// <summary>An alert after an admin resolved it.</summary>
/// <param name="JustResolved">False when it was already resolved before (nothing changed, nothing to announce).</param>
public sealed record ResolvedAlert(CatalogAlert Alert, bool JustResolved);
