// Every app setting the Function App reads, as one function of the deployment's names and parameters. main.bicep
// calls it with the real resources; the tests call it from a .bicepparam probe (bicep build-params evaluates it), so
// the settings they compare with local.settings.sample.json and docs/settings.md are the ones deployed.
// Secrets are Key Vault references (versionless: a new secret version is picked up on the next refresh or restart).

import { s3Target, azureBackupTarget, scheduleSet, alertSettings } from 'types.bicep'

@export()
@description('What the settings are made from.')
type appSettingsInput = {
  @description('The runtime storage account (task hub, timers, host keys), reached with the app identity.')
  runtimeStorageAccountName: string
  insightsConnectionString: string
  keyVaultName: string
  taskHubName: string
  schedules: scheduleSet
  @description('Catalog server host name, control database, the Entra ID user the app signs in as (the app name), catalog schema.')
  control: { host: string, database: string, user: string, catalogSchema: string }
  @description('Databases the scheduled full backup and test restore cover.')
  sourceDatabases: string[]
  @description('Tenants the scheduled tenant backup covers.')
  tenantIds: string[]
  @description('The id of the key-encryption key new backups use (letters and digits: it is part of an app setting name and a secret name); its value is the Key Vault secret kek-<id>.')
  kekId: string
  @description('Ids of earlier key-encryption keys, kept so backups they protect stay readable after a rotation.')
  previousKekIds: string[]
  s3Targets: s3Target[]
  azureTarget: azureBackupTarget
  @description('The backup account blob endpoint (https://<account>.blob.core.windows.net/); empty when there is none.')
  azureTargetBlobEndpoint: string
  retentionDefaultKeepDays: int
  minVerifiedToKeep: int
  @description('The limit of one activity attempt (hh:mm:ss); below host.json functionTimeout.')
  activityTimeout: string
  stagingDirectory: string
  @description('Directory of pg_dump/pg_restore inside the package; empty picks /usr/lib/postgresql/<v>/bin.')
  pgBinDirectory: string
  compression: { algorithm: 'zstd' | 'gzip' | 'none', level: int, threads: int }
  tenantSessionSetting: string
  scratchDatabasePrefix: string
  alerts: alertSettings
}

@export()
@description('A versionless Key Vault reference: the platform resolves it with the app identity (Key Vault Secrets User).')
func keyVaultReference(vaultName string, secretName string) string =>
  '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

@export()
@description('The Key Vault secret names the app settings refer to (first-run set-up writes their values).')
func secretNames(kekId string, s3Targets s3Target[]) object => {
  kek: 'kek-${kekId}'
  sourceConnectionString: 'source-connection-string'
  adminKey: 'admin-key'
  s3AccessKeys: map(s3Targets, t => 's3-${t.name}-access-key')
  s3SecretKeys: map(s3Targets, t => 's3-${t.name}-secret-key')
}

func merge(objects object[]) object => reduce(objects, {}, (acc, next) => union(acc, next))

func indexed(prefix string, values string[]) object =>
  merge(map(range(0, length(values)), i => { '${prefix}__${i}': values[i] }))

func s3TargetSettings(index int, t s3Target, vault string) object => {
  'BackupFunctions__Targets__${index}__Name': t.name
  'BackupFunctions__Targets__${index}__Type': 's3'
  'BackupFunctions__Targets__${index}__ServiceUrl': t.endpoint
  'BackupFunctions__Targets__${index}__Region': t.region
  'BackupFunctions__Targets__${index}__Bucket': t.bucket
  'BackupFunctions__Targets__${index}__Prefix': t.prefix
  // AWS takes virtual-hosted addressing and the SDK's default checksums; R2 and B2 need path style and
  // checksums only when required (docs/targets.md).
  'BackupFunctions__Targets__${index}__ForcePathStyle': t.provider == 'aws' ? 'false' : 'true'
  'BackupFunctions__Targets__${index}__ChecksumMode': t.provider == 'aws' ? 'WhenSupported' : 'WhenRequired'
  'BackupFunctions__Targets__${index}__AccessKey': keyVaultReference(vault, 's3-${t.name}-access-key')
  'BackupFunctions__Targets__${index}__SecretKey': keyVaultReference(vault, 's3-${t.name}-secret-key')
  'BackupFunctions__Targets__${index}__QuotaBytes': string(t.?quotaBytes ?? 0)
  'BackupFunctions__Retention__KeepDays__${t.name}': string(t.keepDays)
}

func azureTargetSettings(index int, t azureBackupTarget, blobEndpoint string) object => t.enabled
  ? {
      'BackupFunctions__Targets__${index}__Name': t.name
      'BackupFunctions__Targets__${index}__Type': 'azureblob'
      // The account URL without a connection string: the target signs in with the app identity.
      'BackupFunctions__Targets__${index}__AccountUrl': blobEndpoint
      'BackupFunctions__Targets__${index}__Container': t.container
      'BackupFunctions__Targets__${index}__QuotaBytes': string(t.?quotaBytes ?? 0)
      'BackupFunctions__Retention__KeepDays__${t.name}': string(t.keepDays)
    }
  : {}

@export()
@description('The app settings, by name.')
func appSettings(input appSettingsInput) object => merge([
  {
    // Identity-based connection: host, timers and the Durable Task extension (host.json connectionName) use
    // the account's blob, queue and table endpoints with the app identity; no connection string, no key.
    AzureWebJobsStorage__accountName: input.runtimeStorageAccountName
    APPLICATIONINSIGHTS_CONNECTION_STRING: input.insightsConnectionString
    TaskHubName: input.taskHubName
    FullBackupSchedule: input.schedules.fullBackup
    TenantBackupSchedule: input.schedules.tenantBackup
    FilesBackupSchedule: input.schedules.filesBackup
    IntegrityCheckSchedule: input.schedules.integrityCheck
    RetentionSchedule: input.schedules.retention
    TestRestoreSchedule: input.schedules.testRestore
    BaseBackupSchedule: input.schedules.baseBackup
    WalArchivingCheckSchedule: input.schedules.walArchivingCheck
    // No password: the app signs in with an Entra ID token for its managed identity (Control:Authentication).
    BackupFunctions__Control__ConnectionString: 'Host=${input.control.host};Port=5432;Database=${input.control.database};Username=${input.control.user};SSL Mode=VerifyFull'
    BackupFunctions__Control__Authentication: 'EntraId'
    BackupFunctions__Control__CatalogSchema: input.control.catalogSchema
    BackupFunctions__Source__ConnectionString: keyVaultReference(input.keyVaultName, 'source-connection-string')
    BackupFunctions__Source__PgBinDirectory: input.pgBinDirectory
    BackupFunctions__StagingDirectory: input.stagingDirectory
    BackupFunctions__Compression__Algorithm: input.compression.algorithm
    BackupFunctions__Compression__Level: string(input.compression.level)
    BackupFunctions__Compression__Threads: string(input.compression.threads)
    // The key-encryption key comes from the environment (BF_KEK_<id>), filled from Key Vault.
    BackupFunctions__Keys__FromEnvironment: 'true'
    BackupFunctions__Keys__CurrentKeyId: input.kekId
    'BF_KEK_${input.kekId}': keyVaultReference(input.keyVaultName, 'kek-${input.kekId}')
    BackupFunctions__Retention__DefaultKeepDays: string(input.retentionDefaultKeepDays)
    BackupFunctions__Retention__MinVerifiedToKeep: string(input.minVerifiedToKeep)
    BackupFunctions__Activities__Timeout: input.activityTimeout
    // At most this many manual backups of one database admitted and unfinished at once (docs/http-api.md, "Admission").
    // The app's AdmissionLeaseTimer renews the slots every minute, so the lease must outlast a few missed minutes.
    BackupFunctions__Admission__MaxRunsPerDatabase: '2'
    BackupFunctions__Admission__Lease: '00:05:00'
    BackupFunctions__Admission__RetryAfter: '00:00:30'
    BackupFunctions__Tenants__SessionSetting: input.tenantSessionSetting
    BackupFunctions__Scratch__DatabasePrefix: input.scratchDatabasePrefix
    BackupFunctions__Alerts__MissedSchedules__Enabled: 'true'
    BackupFunctions__Alerts__MissedSchedules__Grace: input.alerts.missedScheduleGrace
    BackupFunctions__Alerts__MissedSchedules__Severity__FullBackup: input.alerts.fullBackupMissedSeverity
    BackupFunctions__Alerts__Usage__Enabled: 'true'
    BackupFunctions__Alerts__Usage__WarningPercent: string(input.alerts.usageWarningPercent)
    BackupFunctions__Alerts__Usage__CriticalPercent: string(input.alerts.usageCriticalPercent)
  }
  merge(map(input.previousKekIds, id => { 'BF_KEK_${id}': keyVaultReference(input.keyVaultName, 'kek-${id}') }))
  indexed('BackupFunctions__Source__Databases', input.sourceDatabases)
  indexed('BackupFunctions__Tenants__TenantIds', input.tenantIds)
  merge(map(range(0, length(input.s3Targets)), i => s3TargetSettings(i, input.s3Targets[i], input.keyVaultName)))
  azureTargetSettings(length(input.s3Targets), input.azureTarget, input.azureTargetBlobEndpoint)
])
