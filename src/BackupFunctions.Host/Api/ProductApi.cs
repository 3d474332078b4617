namespace BackupFunctions.Host.Api;

/// <summary>The log category of the product API (its handlers are static).</summary>
internal sealed class ProductApi;
