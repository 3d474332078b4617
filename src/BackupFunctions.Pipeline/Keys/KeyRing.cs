using System.Collections;

namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// All key-encryption keys this process knows, by id. New backups use <see cref="Current"/>; any key
/// in the ring can read the artifacts written with it, so rotation means: add the new key, make it
/// current, keep the old ones.
/// </summary>
public sealed class KeyRing : IEnumerable<KeyEncryptionKey>
{
    /// <summary>Prefix of environment variables holding keys: BF_KEK_&lt;ID&gt;=base64.</summary>
    public const string EnvPrefix = "BF_KEK_";
    /// <summary>Names the current key when several BF_KEK_* variables are set.</summary>
    public const string EnvCurrent = "BF_KEK_CURRENT";

    private readonly Dictionary<string, KeyEncryptionKey> _keys = new(StringComparer.Ordinal);
    private string? _currentId;

    public KeyRing() { }

    public KeyRing(IEnumerable<KeyEncryptionKey> keys, string? currentKeyId = null)
    {
        foreach (var k in keys) Add(k);
        if (currentKeyId is not null) SetCurrent(currentKeyId);
        else if (_keys.Count == 1) _currentId = _keys.Keys.First();
    }

    public int Count => _keys.Count;

    public IEnumerable<string> KeyIds => _keys.Keys.OrderBy(k => k, StringComparer.Ordinal);

    /// <summary>The key new backups are encrypted with.</summary>
    public KeyEncryptionKey Current => _currentId is not null
        ? _keys[_currentId]
        : throw new InvalidOperationException(_keys.Count == 0
            ? "The key ring is empty: configure a key-encryption key (key file, key directory or BF_KEK_<ID>). Create one with `backupctl keys new`."
            : $"The key ring holds {_keys.Count} keys and none is marked current; set BF_KEK_CURRENT or \"current\": true in one key file.");

    public bool HasCurrent => _currentId is not null;

    public KeyRing Add(KeyEncryptionKey key, bool makeCurrent = false)
    {
        if (_keys.TryGetValue(key.KeyId, out var existing) && !existing.CheckValue.AsSpan().SequenceEqual(key.CheckValue))
            throw new ArgumentException($"Two different keys share the id '{key.KeyId}'. Key ids must be unique; give the new key a new id.");
        _keys[key.KeyId] = key;
        if (makeCurrent) _currentId = key.KeyId;
        return this;
    }

    public void SetCurrent(string keyId)
    {
        if (!_keys.ContainsKey(keyId)) throw new UnknownKeyException(keyId, KeyIds);
        _currentId = keyId;
    }

    public bool TryGet(string keyId, out KeyEncryptionKey key) => _keys.TryGetValue(keyId, out key!);

    public KeyEncryptionKey Get(string keyId) =>
        _keys.TryGetValue(keyId, out var key) ? key : throw new UnknownKeyException(keyId, KeyIds);

    /// <summary>A ring holding one key file's key, which is current.</summary>
    public static KeyRing FromFile(string path)
    {
        var entry = KeyFile.Read(path);
        return new KeyRing().Add(entry.Key, makeCurrent: true);
    }

    /// <summary>
    /// Every *.json key file in a directory. The current key is <paramref name="currentKeyId"/> if
    /// given, else the one the directory's <c>current</c> marker names (<see cref="KeyDirectory"/>).
    /// </summary>
    public static KeyRing FromDirectory(string directory, string? currentKeyId = null) => KeyDirectory.Load(directory, currentKeyId);

    /// <summary>
    /// Keys from BF_KEK_&lt;ID&gt;=base64 variables; BF_KEK_CURRENT names the current one (needed
    /// only when there are several).
    /// </summary>
    public static KeyRing FromEnvironment(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var ring = new KeyRing();
        string? current = null;
        foreach (DictionaryEntry kv in environment)
        {
            var name = (string)kv.Key;
            var value = kv.Value as string ?? "";
            if (name == EnvCurrent) { current = value.Trim(); continue; }
            if (!name.StartsWith(EnvPrefix, StringComparison.Ordinal) || name.Length == EnvPrefix.Length) continue;
            ring.Add(KeyEncryptionKey.FromBase64(name[EnvPrefix.Length..], value));
        }
        if (current is { Length: > 0 }) ring.SetCurrent(current);
        else if (ring.Count == 1) ring._currentId = ring._keys.Keys.First();
        return ring;
    }

    /// <summary>Adds every key of another ring (keeps this ring's current key unless it has none).</summary>
    public KeyRing Merge(KeyRing other)
    {
        foreach (var k in other) Add(k);
        if (_currentId is null && other._currentId is not null) _currentId = other._currentId;
        return this;
    }

    public IEnumerator<KeyEncryptionKey> GetEnumerator() => _keys.Values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"KeyRing({string.Join(", ", KeyIds)}; current={_currentId ?? "none"})";
}
