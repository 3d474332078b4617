using System.Text.RegularExpressions;

namespace BackupFunctions.Infra.Tests.Settings;

/// <summary>
/// The rules that keep infra-bicep's app settings, local.settings.sample.json and docs/settings.md in step. Each rule
/// lists the problems it finds (empty: they agree).
/// </summary>
internal static partial class SettingsAgreement
{
    /// <summary>
    /// Settings of the sample that the Function App does not take from app settings, by generic name or prefix, and why.
    /// Anything else in the sample must be set by infra-bicep.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotInAzure = new Dictionary<string, string>
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "Flex Consumption takes the runtime from functionAppConfig.runtime and refuses this setting",
        ["AzureWebJobsStorage"] = "identity-based: AzureWebJobsStorage__accountName instead of a connection string",
        ["BackupFunctions__TaskHub__"] = "the self-hosted host's task hub; in the Function App host.json and TaskHubName set it",
        ["BackupFunctions__Host__"] = "the self-hosted host's web server",
        ["BackupFunctions__Schedules__"] = "the self-hosted host's schedules; the Function App's timers read <Name>Schedule",
        ["BackupFunctions__Keys__FunctionKeys__N"] = "the Functions host's own keys guard the routes (docs/deploy.md)",
        ["BackupFunctions__Keys__AdminKeys__N"] = "the Functions host's master key is the admin key (docs/deploy.md)",
        ["BackupFunctions__Keys__KeyFile"] = "the key-encryption key comes from Key Vault as BF_KEK_<ID>",
        ["BackupFunctions__Keys__KeyDirectory"] = "the key-encryption key comes from Key Vault as BF_KEK_<ID>",
        ["BackupFunctions__Files__Paths__N"] = "a Function App has no server configuration files to back up",
        ["BackupFunctions__Activities__Timeouts__"] = "per-activity limits are optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__Path"] = "filesystem targets are for self-hosted hosts",
        ["BackupFunctions__Targets__N__CreateIfMissing"] = "filesystem targets are for self-hosted hosts",
        ["BackupFunctions__Targets__N__ConnectionString"] = "the Azure Blob target signs in with the app identity (AccountUrl)",
        ["BackupFunctions__Targets__N__SessionToken"] = "long-lived S3 keys from Key Vault; session tokens expire",
        ["BackupFunctions__Targets__N__MaxConcurrency"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__Retry__"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__PartSizeMiB"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__UploadParallelism"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__RequestTimeout"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Targets__N__ConnectTimeout"] = "optional tuning; the defaults apply",
        ["BackupFunctions__Scratch__ConnectionString"] = "test restores use the source server (its connection string is in Key Vault)",
        ["BackupFunctions__Tenants__ConnectionString"] = "tenant exports use the source's role unless one is added as a Key Vault reference",
        ["Logging__"] = "the Function App's log levels are host.json's",
    };

    /// <summary>Settings infra-bicep sets that are not in the sample: Azure's own, or Azure-only forms of sample settings.</summary>
    public static readonly IReadOnlySet<string> AzureOnly = new HashSet<string>
    {
        "AzureWebJobsStorage__accountName",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "BF_KEK_<ID>",
    };

    /// <summary>Every setting infra-bicep sets is one the app reads, as the sample lists it, or one of <see cref="AzureOnly"/>.</summary>
    public static IEnumerable<string> SetButNotInSample(IReadOnlyDictionary<string, string> bicep, IReadOnlyDictionary<string, string> sample)
    {
        var known = sample.Keys.Select(SettingNames.Generic).ToHashSet();
        return bicep.Keys.Select(SettingNames.Generic).Distinct()
            .Where(name => !known.Contains(name) && !AzureOnly.Contains(name))
            .Select(name => $"{name} is set by infra-bicep but is not in local.settings.sample.json");
    }

    /// <summary>Every setting of the sample is set by infra-bicep, unless <see cref="NotInAzure"/> says why not.</summary>
    public static IEnumerable<string> InSampleButNotSet(IReadOnlyDictionary<string, string> bicep, IReadOnlyDictionary<string, string> sample)
    {
        var set = bicep.Keys.Select(SettingNames.Generic).ToHashSet();
        return sample.Keys.Select(SettingNames.Generic).Distinct()
            .Where(name => !set.Contains(name) && !NotInAzure.Keys.Any(k => name == k || k.EndsWith("__", StringComparison.Ordinal) && name.StartsWith(k, StringComparison.Ordinal)))
            .Select(name => $"{name} is in local.settings.sample.json but infra-bicep does not set it (set it, or say why in SettingsAgreement.NotInAzure)");
    }

    /// <summary>Every setting infra-bicep sets is described in docs/settings.md: its section and its own name.</summary>
    public static IEnumerable<string> Undocumented(IReadOnlyDictionary<string, string> bicep, string docs)
    {
        foreach (var name in bicep.Keys.Select(SettingNames.Generic).Distinct())
        {
            var segments = SettingNames.Segments(name);
            if (!name.StartsWith("BackupFunctions__", StringComparison.Ordinal))
            {
                if (!docs.Contains($"`{name}`", StringComparison.Ordinal))
                {
                    yield return $"{name} is set by infra-bicep but docs/settings.md does not name it (`{name}`)";
                }

                continue;
            }

            // A top-level setting (BackupFunctions:StagingDirectory) is its own section.
            var section = segments[0];
            var leaf = segments[^1] == "<target>" ? segments[^2] : segments[^1];
            var sectionDocumented = docs.Contains($"BackupFunctions:{section}", StringComparison.Ordinal) || docs.Contains($"`{section}`", StringComparison.Ordinal);
            var leafDocumented = Regex.IsMatch(docs, $@"`[^`\n]*\b{Regex.Escape(leaf)}\b[^`\n]*`");
            if (!sectionDocumented || !leafDocumented)
            {
                yield return $"{name} is set by infra-bicep but docs/settings.md does not describe {(sectionDocumented ? leaf : "BackupFunctions:" + section)}";
            }
        }
    }

    /// <summary>Secrets are Key Vault references to the deployment's vault; nothing else carries a password or key.</summary>
    public static IEnumerable<string> SecretsNotInKeyVault(IReadOnlyDictionary<string, string> bicep, string vaultName)
    {
        foreach (var (name, value) in bicep)
        {
            if (IsSecret(name))
            {
                var reference = KeyVaultReference().Match(value);
                if (!reference.Success || reference.Groups["vault"].Value != vaultName)
                {
                    yield return $"{name} is a secret but its value is not a Key Vault reference to {vaultName}";
                }
            }
            else if (PasswordLike().IsMatch(value))
            {
                yield return $"{name} carries a password or key in its value";
            }
        }
    }

    /// <summary>Names whose values are secret wherever they are set: credentials, keys, and connection strings that may hold a password.</summary>
    public static bool IsSecret(string name) =>
        name.StartsWith("BF_KEK_", StringComparison.Ordinal)
        || name.EndsWith("__AccessKey", StringComparison.Ordinal)
        || name.EndsWith("__SecretKey", StringComparison.Ordinal)
        || name.EndsWith("__SessionToken", StringComparison.Ordinal)
        || name.Contains("__Keys__AdminKeys__", StringComparison.Ordinal)
        || name.Contains("__Keys__FunctionKeys__", StringComparison.Ordinal)
        || (name.EndsWith("__ConnectionString", StringComparison.Ordinal) && name != ControlConnectionString);

    /// <summary>The one connection string that is not a secret: the catalog's, signed in to with an Entra ID token.</summary>
    public const string ControlConnectionString = "BackupFunctions__Control__ConnectionString";

    [GeneratedRegex(@"^@Microsoft\.KeyVault\(VaultName=(?<vault>[A-Za-z0-9-]+);SecretName=(?<secret>[A-Za-z0-9-]+)\)$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"Password=|AccountKey=|SharedAccessSignature=|-----BEGIN", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordLike();
}
