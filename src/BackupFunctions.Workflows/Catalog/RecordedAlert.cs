namespace BackupFunctions.Workflows.Catalog;

/// <summary>An alert after it was raised.</summary>
/// <param name="Opened">True when no alert of this condition was open before: a new (or re-opened) alert.</param>
/// <param name="PreviousSeverity">The open alert's severity before this raise; null when <paramref name="Opened"/>.</param>
public sealed record RecordedAlert(CatalogAlert Alert, bool Opened, string? PreviousSeverity);
