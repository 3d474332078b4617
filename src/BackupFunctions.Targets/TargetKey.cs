namespace BackupFunctions.Targets;

/// <summary>
/// Rules for object keys, the same for every backend so that a key valid in one target is valid in
/// all: '/'-separated relative paths with no empty, "." or ".." segments, no backslashes and no
/// control characters. These rules also keep the file-system target inside its root.
/// </summary>
public static class TargetKey
{
    /// <summary>The longest key accepted (S3 and Azure both allow 1024 characters).</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> with the reason when <paramref name="key"/> is not a valid object key.</summary>
    public static void Validate(string key, string paramName = "key")
    {
        if (Problem(key, allowPrefix: false) is { } problem)
            throw new ArgumentException($"Invalid object key '{key}': {problem}.", paramName);
    }

    /// <summary>
    /// Throws when <paramref name="prefix"/> is not a valid list prefix. A prefix may be empty and may end
    /// with '/' (or in the middle of a segment), but otherwise follows the key rules.
    /// </summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0) return;
        if (Problem(prefix, allowPrefix: true) is { } problem)
            throw new ArgumentException($"Invalid key prefix '{prefix}': {problem}.", paramName);
    }

    /// <summary>True when <paramref name="key"/> is a valid object key.</summary>
    public static bool IsValid(string key) => Problem(key, allowPrefix: false) is null;

    private static string? Problem(string? key, bool allowPrefix)
    {
        if (string.IsNullOrEmpty(key)) return "it is empty";
        if (key.Length > MaxLength) return $"it is longer than {MaxLength} characters";
        if (key[0] == '/') return "it must be relative (no leading '/')";
        if (key.Contains('\\')) return "use '/' as the separator, not '\\'";
        foreach (var c in key)
            if (char.IsControl(c)) return "it contains a control character";
        var segments = key.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            var last = i == segments.Length - 1;
            if (s.Length == 0)
            {
                if (last && allowPrefix) continue; // "db/" is a fine prefix
                return last ? "it must not end with '/'" : "it has an empty segment ('//')";
            }
            if (s == "..") return "'..' segments are not allowed";
            if (s == "." && !(last && allowPrefix)) return "'.' segments are not allowed";
        }
        return null;
    }
}
