using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Everything that can be checked before any work starts, so a host never reports "ready" with settings every run
/// would fail on: the settings' own rules, every target's settings, and that the configured key sources load.
/// One sentence per problem; empty when usable. Touches no server and no target.
/// </summary>
public static class SettingsCheck
{
    /// <param name="options">The bound settings.</param>
    /// <param name="forBackups">
    /// True where backups run (the host, <c>backupctl backup</c>): a source server and a current key are needed. False for
    /// work that only reads the targets (list, verify, restore, DR), where the source may be gone.
    /// </param>
    public static IReadOnlyList<string> Problems(BackupFunctionsOptions options, bool forBackups)
    {
        var problems = new List<string>(options.Validate(requireSource: forBackups));
        foreach (var target in options.Targets)
        {
            problems.AddRange(target.Validate());
        }

        problems.AddRange(options.Targets.GroupBy(t => t.Name.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1 && g.Key.Length > 0)
            .Select(g => $"Target name '{g.Key}' is used {g.Count()} times; each target needs a unique Name."));

        problems.AddRange(KeyProblems(options.Keys, forBackups));
        problems.AddRange(options.Retention.Problems(options.Targets.Select(t => t.Name.Trim()).Where(n => n.Length > 0).ToList()));
        return problems;
    }

    private static IEnumerable<string> KeyProblems(KeyOptions keys, bool needCurrent)
    {
        if (string.IsNullOrWhiteSpace(keys.KeyFile) && string.IsNullOrWhiteSpace(keys.KeyDirectory) && !keys.FromEnvironment)
        {
            // Options.Validate() has said so already.
            yield break;
        }

        string? problem = null;
        try
        {
            var ring = KeyRingLoader.Load(keys);
            if (ring.Count == 0)
            {
                problem = "The configured key sources hold no key-encryption key: create one with 'backupctl keys new' and point BackupFunctions:Keys:KeyFile at it.";
            }
            else if (needCurrent && !ring.HasCurrent)
            {
                problem = $"None of the {ring.Count} key-encryption keys is marked current, so no backup could be encrypted: set BackupFunctions:Keys:CurrentKeyId.";
            }
        }
        // Whatever the key file, directory or variables are wrong in (missing, unreadable, not a key), the loader's
        // message says which and what to do; a stack trace would only bury it.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = $"The key-encryption keys cannot be loaded: {e.Message}";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }
}
