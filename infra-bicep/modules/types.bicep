// Shapes of the parameters that more than one file uses.

@export()
@description('An S3-compatible backup target. The access key and secret key are never parameters: they live in Key Vault as s3-<name>-access-key and s3-<name>-secret-key.')
type s3Target = {
  @description('Unique target name: used in requests, manifests, the catalog and the Key Vault secret names (lower case, digits, dashes).')
  @minLength(1)
  @maxLength(20)
  name: string

  @description('aws, r2 or b2: decides the checksum mode and path-style addressing the store needs.')
  provider: 'aws' | 'r2' | 'b2'

  @description('The S3 endpoint. Empty for AWS (the SDK picks the regional endpoint); https://<account>.r2.cloudflarestorage.com for R2; https://s3.<region>.backblazeb2.com for B2.')
  endpoint: string

  @description('Region: the AWS region, auto for R2, the B2 region (e.g. eu-central-003).')
  region: string

  @description('Bucket name; the bucket must exist.')
  bucket: string

  @description('Key prefix inside the bucket, e.g. prod/.')
  prefix: string

  @description('Days a backup is kept on this target (retention).')
  @minValue(1)
  keepDays: int

  @description('Bytes this target may hold, for the target-usage alert (warned at 80 %, critical at 95 % of it). Omit or 0: no quota.')
  @minValue(0)
  quotaBytes: int?
}

@export()
@description('The optional Azure Blob backup target: a second storage account reached with the app identity.')
type azureBackupTarget = {
  @description('Create the account and add it as a target.')
  enabled: bool

  @description('Target name in requests, manifests and the catalog.')
  name: string

  @description('Container the backups go to.')
  container: string

  @description('Days a deleted blob, version or container can still be restored.')
  @minValue(1)
  @maxValue(365)
  softDeleteDays: int

  @description('Days every version is write-once (version-level immutability, unlocked so it can still be changed). 0: no immutability. Retention cannot delete a backup younger than this.')
  @minValue(0)
  immutabilityDays: int

  @description('Days a backup is kept on this target (retention).')
  @minValue(1)
  keepDays: int

  @description('Bytes this target may hold, for the target-usage alert (warned at 80 %, critical at 95 % of it). Omit or 0: no quota.')
  @minValue(0)
  quotaBytes: int?
}

@export()
@description('The schedules: 6-field NCRONTAB, seconds first, UTC.')
type scheduleSet = {
  fullBackup: string
  tenantBackup: string
  filesBackup: string
  integrityCheck: string
  retention: string
  testRestore: string
  baseBackup: string
  walArchivingCheck: string
}

@export()
@description('The alert rules that need settings in Azure: the dead-man check of the schedules and target usage (docs/alerts.md).')
type alertSettings = {
  @description('How long after a due time its good run may still land before the schedule counts as missed (hh:mm:ss).')
  missedScheduleGrace: string

  @description('Severity of a missed full backup.')
  fullBackupMissedSeverity: 'info' | 'warning' | 'critical'

  @description('Used share of a target (percent of its quota) that raises a warning.')
  @minValue(1)
  @maxValue(100)
  usageWarningPercent: int

  @description('Used share of a target (percent of its quota) that raises a critical alert.')
  @minValue(1)
  @maxValue(100)
  usageCriticalPercent: int
}
