using System.Text.Json;
using BackupFunctions.Infra.Tests.Support;
using BackupFunctions.Infra.Tests.Template;

namespace BackupFunctions.Infra.Tests.Settings;

/// <summary>
/// The settings in local.settings.sample.json, docs/settings.md and infra-bicep's app settings agree, and secrets
/// are Key Vault references, never literals.
/// </summary>
public sealed class SettingsAgreementTests(BicepAppSettings bicep, CompiledTemplate compiled)
    : IClassFixture<BicepAppSettings>, IClassFixture<CompiledTemplate>
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> SampleSettings = new(ReadSample);

    private static IReadOnlyDictionary<string, string> Sample => SampleSettings.Value;

    private static string Docs => File.ReadAllText(RepositoryRoot.File("docs", "settings.md"));

    [Fact]
    public void EverySettingBicepSetsIsOneTheAppReads()
    {
        Problems.AssertNone(SettingsAgreement.SetButNotInSample(bicep.Settings, Sample));
    }

    [Fact]
    public void EverySampleSettingIsSetByBicepOrSaysWhyNot()
    {
        Problems.AssertNone(SettingsAgreement.InSampleButNotSet(bicep.Settings, Sample));
        // Each exclusion still names something the sample has, so the list cannot go stale.
        var sample = Sample.Keys.Select(SettingNames.Generic).ToHashSet();
        Assert.All(SettingsAgreement.NotInAzure.Keys, k => Assert.Contains(sample, s => s == k || k.EndsWith("__", StringComparison.Ordinal) && s.StartsWith(k, StringComparison.Ordinal)));
    }

    [Fact]
    public void EverySettingBicepSetsIsDocumented()
    {
        Problems.AssertNone(SettingsAgreement.Undocumented(bicep.Settings, Docs));
    }

    [Fact]
    public void SecretsAreKeyVaultReferences()
    {
        Problems.AssertNone(SettingsAgreement.SecretsNotInKeyVault(bicep.Settings, BicepAppSettings.VaultName));
        // The probe has three S3 targets: six credentials, two key-encryption keys and the source connection string.
        Assert.Equal(9, bicep.Settings.Keys.Count(SettingsAgreement.IsSecret));
        Assert.Equal("@Microsoft.KeyVault(VaultName=bfprobe-kv;SecretName=s3-r2-secret-key)",
            bicep.Settings.Single(s => s.Value.Contains("s3-r2-secret-key", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void EarlierKeysStayReadableAfterARotation()
    {
        Assert.Equal("probe202607", bicep.Settings["BackupFunctions__Keys__CurrentKeyId"]);
        Assert.Equal("true", bicep.Settings["BackupFunctions__Keys__FromEnvironment"]);
        Assert.Equal("@Microsoft.KeyVault(VaultName=bfprobe-kv;SecretName=kek-probe202601)", bicep.Settings["BF_KEK_probe202601"]);
        Assert.Equal("@Microsoft.KeyVault(VaultName=bfprobe-kv;SecretName=kek-probe202607)", bicep.Settings["BF_KEK_probe202607"]);
    }

    [Fact]
    public void QuotasAndAlertThresholdsReachTheApp()
    {
        // The probe gives r2 (target 1) a quota and the others none (0: no quota).
        Assert.Equal("0", bicep.Settings["BackupFunctions__Targets__0__QuotaBytes"]);
        Assert.Equal("10995116277760", bicep.Settings["BackupFunctions__Targets__1__QuotaBytes"]);
        Assert.Equal("0", bicep.Settings["BackupFunctions__Targets__3__QuotaBytes"]);
        Assert.Equal("04:00:00", bicep.Settings["BackupFunctions__Alerts__MissedSchedules__Grace"]);
        Assert.Equal("critical", bicep.Settings["BackupFunctions__Alerts__MissedSchedules__Severity__FullBackup"]);
        Assert.Equal("80", bicep.Settings["BackupFunctions__Alerts__Usage__WarningPercent"]);
        Assert.Equal("95", bicep.Settings["BackupFunctions__Alerts__Usage__CriticalPercent"]);
    }

    [Fact]
    public void TheCatalogIsReachedWithAnEntraIdTokenOverVerifiedTls()
    {
        var connection = bicep.Settings[SettingsAgreement.ControlConnectionString];

        Assert.DoesNotContain("Password", connection, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SSL Mode=VerifyFull", connection, StringComparison.Ordinal);
        Assert.Equal("EntraId", bicep.Settings["BackupFunctions__Control__Authentication"]);
    }

    [Fact]
    public void TheRuntimeIsTheSampleOneAndNotAnAppSetting()
    {
        var app = TemplateChecks.FunctionApps(compiled.Parse()).Single();

        Assert.Equal(Sample["FUNCTIONS_WORKER_RUNTIME"], (string?)app.Resource["properties"]!["functionAppConfig"]!["runtime"]!["name"]);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", bicep.Settings.Keys);
        Assert.Equal(Sample["TaskHubName"], (string?)compiled.Parse()["parameters"]!["taskHubName"]!["defaultValue"]);
    }

    [Theory]
    [InlineData("fullBackup", "FullBackupSchedule")]
    [InlineData("tenantBackup", "TenantBackupSchedule")]
    [InlineData("filesBackup", "FilesBackupSchedule")]
    [InlineData("integrityCheck", "IntegrityCheckSchedule")]
    [InlineData("retention", "RetentionSchedule")]
    [InlineData("testRestore", "TestRestoreSchedule")]
    [InlineData("baseBackup", "BaseBackupSchedule")]
    [InlineData("walArchivingCheck", "WalArchivingCheckSchedule")]
    public void DefaultSchedulesAreTheSampleOnes(string parameter, string setting)
    {
        var defaults = compiled.Parse()["parameters"]!["schedules"]!["defaultValue"]!;

        Assert.Equal(Sample[setting], (string?)defaults[parameter]);
        Assert.True(bicep.Settings.ContainsKey(setting), setting);
    }

    [Fact]
    public void DisagreementsAreCaught()
    {
        var broken = bicep.Settings.ToDictionary(kv => kv.Key, kv => kv.Value);
        broken["BackupFunctions__Targets__1__SecretKey"] = "a-literal-secret";
        broken["BackupFunctions__Source__ConnectionString"] = "Host=db;Username=u;Password=p";
        broken["BackupFunctions__Invented__Setting"] = "x";
        broken.Remove("TaskHubName");

        Assert.Equal(2, SettingsAgreement.SecretsNotInKeyVault(broken, BicepAppSettings.VaultName).Count());
        Assert.Contains(SettingsAgreement.SetButNotInSample(broken, Sample), p => p.Contains("Invented", StringComparison.Ordinal));
        Assert.Contains(SettingsAgreement.InSampleButNotSet(broken, Sample), p => p.StartsWith("TaskHubName", StringComparison.Ordinal));
        Assert.Contains(SettingsAgreement.Undocumented(broken, Docs), p => p.Contains("Invented", StringComparison.Ordinal));
        Assert.Contains(SettingsAgreement.Undocumented(bicep.Settings, Docs.Replace("`Bucket`", "bucket", StringComparison.Ordinal)),
            p => p.StartsWith("BackupFunctions__Targets__N__Bucket", StringComparison.Ordinal));
    }

    private static IReadOnlyDictionary<string, string> ReadSample()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json")));
        return doc.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
    }
}
