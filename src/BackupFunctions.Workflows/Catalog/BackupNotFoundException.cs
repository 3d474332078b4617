namespace BackupFunctions.Workflows.Catalog;

public sealed class BackupNotFoundException(string message) : Exception(message);
