namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// The key ring holds a key under the artifact's key id, but it is not the key the artifact was
/// written with (its check value differs): the key file was replaced or mistyped.
/// </summary>
public sealed class WrongKeyException : Exception
{
    public WrongKeyException(string keyId)
        : base($"The key-encryption key with id '{keyId}' in the key ring is not the key this artifact was encrypted with. " +
               $"The artifact can only be decrypted with the original key '{keyId}': restore that key file (not a newly generated key with the same id).")
    {
        KeyId = keyId;
    }

    public string KeyId { get; }
}
