namespace BackupFunctions.Pipeline.Keys;

/// <summary>The artifact was encrypted under a key id the key ring does not hold.</summary>
public sealed class UnknownKeyException : KeyNotFoundException
{
    public UnknownKeyException(string keyId, IEnumerable<string> available)
        : base($"This artifact needs key-encryption key '{keyId}', which is not in the key ring " +
               $"(available: {FormatIds(available)}). Add that key (key file, key directory or BF_KEK_{keyId}) and retry; " +
               "old keys must stay in the ring after a rotation for as long as backups made with them are kept.")
    {
        KeyId = keyId;
    }

    public string KeyId { get; }

    private static string FormatIds(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Select(i => $"'{i}'"));
    }
}
