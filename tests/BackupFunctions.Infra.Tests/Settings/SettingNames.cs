using System.Text.RegularExpressions;

namespace BackupFunctions.Infra.Tests.Settings;

/// <summary>Setting names with their variable parts (list indexes, target names, key ids) made generic.</summary>
internal static partial class SettingNames
{
    /// <summary>BackupFunctions__Targets__2__Bucket → BackupFunctions__Targets__N__Bucket; KeepDays__r2 → KeepDays__&lt;target&gt;; BF_KEK_x → BF_KEK_&lt;ID&gt;.</summary>
    public static string Generic(string name)
    {
        if (name.StartsWith("BF_KEK_", StringComparison.Ordinal) && name != "BF_KEK_CURRENT")
        {
            return "BF_KEK_<ID>";
        }

        name = Index().Replace(name, "__N");
        return KeepDays().Replace(name, "KeepDays__<target>");
    }

    /// <summary>The parts below BackupFunctions, as docs/settings.md writes them with colons: Targets__N__Bucket → [Targets, N, Bucket].</summary>
    public static string[] Segments(string name) =>
        name.StartsWith("BackupFunctions__", StringComparison.Ordinal)
            ? name["BackupFunctions__".Length..].Split("__")
            : [name];

    [GeneratedRegex(@"__\d+(?=__|$)")]
    private static partial Regex Index();

    [GeneratedRegex(@"KeepDays__[^_]+$")]
    private static partial Regex KeepDays();
}
