// Production: AWS S3, Cloudflare R2 and Backblaze B2 plus a geo-redundant Azure Blob target whose versions are
// write-once for 30 days; a private, zone-redundant catalog server; alerts by e-mail. Secrets are not here: write them
// into Key Vault after the first deployment (docs/deploy.md).
using 'main.bicep'

param namePrefix = 'bfprod'
param sourceDatabases = ['app', 'billing']
param tenantIds = ['tenant-a', 'tenant-b']
param kekId = 'prod202607'
// Rotated in July 2026: backups made before it still need the earlier key.
param previousKekIds = ['prod202601']

param s3Targets = [
  {
    name: 'aws'
    provider: 'aws'
    endpoint: ''
    region: 'eu-west-1'
    bucket: 'example-pg-backups-prod'
    prefix: 'prod/'
    keepDays: 90
  }
  {
    name: 'r2'
    provider: 'r2'
    endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com'
    region: 'auto'
    bucket: 'example-pg-backups-prod'
    prefix: 'prod/'
    keepDays: 365
  }
  {
    name: 'b2'
    provider: 'b2'
    endpoint: 'https://s3.eu-central-003.backblazeb2.com'
    region: 'eu-central-003'
    bucket: 'example-pg-backups-prod'
    prefix: 'prod/'
    keepDays: 365
  }
]

param azureTarget = {
  enabled: true
  name: 'azure'
  container: 'backups'
  softDeleteDays: 30
  // Retention cannot delete a copy younger than this, so keepDays is longer.
  immutabilityDays: 30
  keepDays: 90
}

param schedules = {
  fullBackup: '0 0 2 * * *'
  tenantBackup: '0 0 3 * * 0'
  filesBackup: '0 0 4 * * *'
  integrityCheck: '0 0 * * * *'
  retention: '0 30 4 * * *'
  testRestore: '0 0 5 * * 1'
  baseBackup: '0 0 1 * * 0'
  walArchivingCheck: '0 */5 * * * *'
}

param instanceMemoryMB = 4096
param maximumInstanceCount = 20
param alwaysReadyInstances = 2
param runtimeStorageSku = 'Standard_ZRS'
param backupStorageSku = 'Standard_GZRS'
param postgresSkuName = 'Standard_D2ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresStorageSizeGB = 64
param postgresHighAvailability = 'ZoneRedundant'
param postgresAccess = 'private'
param vnetAddressPrefix = '10.40.0.0/16'
param keyVaultPurgeProtection = true
param retentionDefaultKeepDays = 90
param minVerifiedToKeep = 3
param rtoMinutes = 120
param logRetentionDays = 90
param alertEmails = ['oncall@example.com']
