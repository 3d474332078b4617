using System.Text.Json;
using BackupFunctions.Infra.Tests.Support;

namespace BackupFunctions.Infra.Tests.Settings;

/// <summary>
/// The app settings infra-bicep deploys, evaluated by the Bicep CLI: a probe .bicepparam imports the appSettings
/// function main.bicep uses and calls it with every kind of target, and `bicep build-params` prints the result.
/// </summary>
public sealed class BicepAppSettings
{
    public const string VaultName = "bfprobe-kv";

    private const string Probe = """
        using none
        import { appSettings } from '{{MODULE}}'
        param settings = appSettings({
          runtimeStorageAccountName: 'bfprobert'
          insightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/'
          keyVaultName: '{{VAULT}}'
          taskHubName: 'backupfunctions'
          schedules: {
            fullBackup: '0 0 2 * * *'
            tenantBackup: '0 0 3 * * 0'
            filesBackup: '0 0 4 * * *'
            integrityCheck: '0 0 * * * *'
            retention: '0 30 4 * * *'
            testRestore: '0 0 5 1 * *'
            baseBackup: '0 0 1 * * 0'
            walArchivingCheck: '0 */5 * * * *'
          }
          control: { host: 'bfprobe-pg.postgres.database.azure.com', database: 'backupfunctions_control', user: 'bfprobe-func', catalogSchema: 'bf_catalog' }
          sourceDatabases: ['app', 'billing']
          tenantIds: ['tenant-a']
          kekId: 'probe202607'
          previousKekIds: ['probe202601']
          s3Targets: [
            { name: 'aws', provider: 'aws', endpoint: '', region: 'eu-west-1', bucket: 'b', prefix: 'p/', keepDays: 30 }
            { name: 'r2', provider: 'r2', endpoint: 'https://acct.r2.cloudflarestorage.com', region: 'auto', bucket: 'b', prefix: 'p/', keepDays: 365, quotaBytes: 10995116277760 }
            { name: 'b2', provider: 'b2', endpoint: 'https://s3.eu-central-003.backblazeb2.com', region: 'eu-central-003', bucket: 'b', prefix: 'p/', keepDays: 365 }
          ]
          azureTarget: { enabled: true, name: 'azure', container: 'backups', softDeleteDays: 14, immutabilityDays: 30, keepDays: 90 }
          azureTargetBlobEndpoint: 'https://bfprobebk.blob.core.windows.net/'
          retentionDefaultKeepDays: 30
          minVerifiedToKeep: 1
          activityTimeout: '06:00:00'
          stagingDirectory: '/tmp/backupfunctions-staging'
          pgBinDirectory: ''
          compression: { algorithm: 'zstd', level: 2, threads: 0 }
          tenantSessionSetting: 'app.tenant_id'
          scratchDatabasePrefix: 'bf_scratch_'
          alerts: { missedScheduleGrace: '04:00:00', fullBackupMissedSeverity: 'critical', usageWarningPercent: 80, usageCriticalPercent: 95 }
        })
        """;

    public BicepAppSettings()
    {
        var dir = Directory.CreateTempSubdirectory("bf-bicep-probe-").FullName;
        try
        {
            var module = Path.GetRelativePath(dir, Path.Combine(RepositoryRoot.Infra, "modules", "app-settings.bicep")).Replace('\\', '/');
            File.WriteAllText(Path.Combine(dir, "probe.bicepparam"), Probe.Replace("{{MODULE}}", module).Replace("{{VAULT}}", VaultName));
            var result = BicepCli.RunAsync(dir, "build-params", "probe.bicepparam", "--stdout").GetAwaiter().GetResult();
            if (!result.IsClean)
            {
                throw new InvalidOperationException($"bicep build-params of the settings probe failed:\n{result.Output}");
            }

            using var envelope = JsonDocument.Parse(result.Stdout);
            using var parameters = JsonDocument.Parse(envelope.RootElement.GetProperty("parametersJson").GetString()!);
            Settings = parameters.RootElement.GetProperty("parameters").GetProperty("settings").GetProperty("value")
                .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The app settings by name, as deployed for the probe's inputs.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }
}
