// A development environment: small SKUs, public catalog server, R2 and B2 targets, the Azure Blob target without
// immutability. Secrets are not here: write them into Key Vault after the first deployment (docs/deploy.md).
using 'main.bicep'

param namePrefix = 'bfdev'
param sourceDatabases = ['app']
param kekId = 'dev202601'

param s3Targets = [
  {
    name: 'r2'
    provider: 'r2'
    endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com'
    region: 'auto'
    bucket: 'bf-dev-backups'
    prefix: 'dev/'
    keepDays: 14
  }
  {
    name: 'b2'
    provider: 'b2'
    endpoint: 'https://s3.eu-central-003.backblazeb2.com'
    region: 'eu-central-003'
    bucket: 'bf-dev-backups'
    prefix: 'dev/'
    keepDays: 14
  }
]

param azureTarget = {
  enabled: true
  name: 'azure'
  container: 'backups'
  softDeleteDays: 7
  immutabilityDays: 0
  keepDays: 14
}

param instanceMemoryMB = 2048
param maximumInstanceCount = 4
param alwaysReadyInstances = 1
param runtimeStorageSku = 'Standard_LRS'
param backupStorageSku = 'Standard_LRS'
param postgresSkuName = 'Standard_B1ms'
param postgresSkuTier = 'Burstable'
param postgresAccess = 'public'
param postgresHighAvailability = 'Disabled'
// A dev vault can be deleted and purged at once.
param keyVaultPurgeProtection = false
param retentionDefaultKeepDays = 14
param rtoMinutes = 240
param alertEmails = []
