// BackupFunctions in Azure: the isolated-worker Function App (src/BackupFunctions.Functions) and what it runs on.
// One module per concern; docs/deploy.md has the commands, the first-run key set-up, rotation and scaling.
//   az deployment group create -g <rg> -f infra-bicep/main.bicep -p infra-bicep/prod.bicepparam

import { s3Target, azureBackupTarget, scheduleSet, alertSettings } from 'modules/types.bicep'
import { appSettings, secretNames } from 'modules/app-settings.bicep'

@description('Prefix of every resource name: 3-11 lower-case letters and digits, e.g. bfprod.')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Region of every resource.')
param location string = resourceGroup().location

// Function App
@description('Flex Consumption instance memory (MB).')
@allowed([2048, 4096])
param instanceMemoryMB int = 4096

@description('Instances the app may scale out to. Orchestrator work spreads over at most the task hub\'s partition count (host.json, 4); activities over all instances.')
@minValue(1)
param maximumInstanceCount int = 10

@description('Always-ready instances for the Durable Task triggers.')
@minValue(1)
param alwaysReadyInstances int = 1

@description('Task hub name: 3-45 letters and digits, starting with a letter. A second deployment sharing the storage account needs another.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'backupfunctions'

@description('The schedules (NCRONTAB with seconds, UTC). baseBackup and walArchivingCheck start nothing unless PITR is enabled, which Azure Database for PostgreSQL does not allow (docs/pitr.md).')
param schedules scheduleSet = {
  fullBackup: '0 0 2 * * *'
  tenantBackup: '0 0 3 * * 0'
  filesBackup: '0 0 4 * * *'
  integrityCheck: '0 0 * * * *'
  retention: '0 30 4 * * *'
  testRestore: '0 0 5 1 * *'
  baseBackup: '0 0 1 * * 0'
  walArchivingCheck: '0 */5 * * * *'
}

@description('Recovery time objective in minutes: a test restore slower than this raises an alert.')
@minValue(1)
param rtoMinutes int = 240

// What is backed up
@description('Databases of the source server the scheduled full backup and test restore cover.')
@minLength(1)
param sourceDatabases string[]

@description('Tenants the scheduled tenant backup covers (none: it starts nothing).')
param tenantIds string[] = []

@description('The setting the row-level security policies read for the tenant id.')
param tenantSessionSetting string = 'app.tenant_id'

// Backup targets and keys
@description('S3-compatible targets (AWS S3, Cloudflare R2, Backblaze B2). Their credentials are Key Vault secrets.')
param s3Targets s3Target[] = []

@description('The Azure Blob target in its own storage account.')
param azureTarget azureBackupTarget = {
  enabled: true
  name: 'azure'
  container: 'backups'
  softDeleteDays: 14
  immutabilityDays: 0
  keepDays: 30
}

@description('Key id of the key-encryption key new backups use: letters and digits only (it is part of the app setting BF_KEK_<id> and of the Key Vault secret kek-<id>).')
@minLength(1)
param kekId string

@description('Ids of earlier key-encryption keys: still read, so the backups they protect stay restorable after a rotation (docs/deploy.md).')
param previousKekIds string[] = []

@description('Days a backup is kept on a target without its own keepDays.')
@minValue(1)
param retentionDefaultKeepDays int = 30

@description('The newest verified backups of each database and kind kept whatever their age.')
@minValue(1)
param minVerifiedToKeep int = 1

@description('The dead-man check of the schedules and the target-usage thresholds (docs/alerts.md); quotas are per target (quotaBytes).')
param alertRules alertSettings = {
  missedScheduleGrace: '04:00:00'
  fullBackupMissedSeverity: 'critical'
  usageWarningPercent: 80
  usageCriticalPercent: 95
}

@description('The limit of one activity attempt; keep it below host.json functionTimeout (06:30:00).')
param activityTimeout string = '06:00:00'

@description('Where artifacts are staged before upload (the instance\'s local disk).')
param stagingDirectory string = '/tmp/backupfunctions-staging'

@description('pg_dump/pg_restore directory inside the deployed package (scripts/publish-functions.sh bundles pgsql/<major>/bin); empty: /usr/lib/postgresql/<v>/bin.')
param pgBinDirectory string = '/home/site/wwwroot/pgsql/15/bin'

@description('Compression of new backups.')
param compression { algorithm: 'zstd' | 'gzip' | 'none', level: int, threads: int } = {
  algorithm: 'zstd'
  level: 2
  threads: 0
}

@description('Secret values to write into Key Vault, by secret name (see the secretNames output). Leave empty and write them with az keyvault secret set (docs/deploy.md): then they never pass through a deployment.')
@secure()
param secretValues object = {}

// SKUs and the catalog server
@description('Runtime storage replication.')
param runtimeStorageSku string = 'Standard_LRS'

@description('Backup storage replication.')
param backupStorageSku string = 'Standard_GRS'

param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@allowed(['14', '15', '16', '17'])
param postgresVersion string = '16'

@minValue(32)
param postgresStorageSizeGB int = 32

@allowed(['Disabled', 'ZoneRedundant', 'SameZone'])
param postgresHighAvailability string = 'Disabled'

@description('public: the catalog server is reachable over the internet (TLS, Entra ID sign-in only, firewall open to Azure services); private: only through a new virtual network the app joins.')
@allowed(['public', 'private'])
param postgresAccess string = 'public'

@description('Address space of the virtual network (private access only).')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Key Vault: purge protection (cannot be turned off again; on in production).')
param keyVaultPurgeProtection bool = true

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
param logRetentionDays int = 30

@description('E-mail addresses the alerts go to.')
param alertEmails string[] = []

var suffix = uniqueString(resourceGroup().id, namePrefix)
var appName = '${namePrefix}-func-${suffix}'
// Names are computed here, not taken from module outputs, so what-if can predict every resource id.
var runtimeStorageName = take('${namePrefix}rt${suffix}', 24)
var backupStorageName = azureTarget.enabled ? take('${namePrefix}bk${suffix}', 24) : ''
var keyVaultName = take('${namePrefix}-kv-${suffix}', 24)
var postgresName = '${namePrefix}-pg-${suffix}'
var deploymentContainerName = 'app-package'
var controlDatabase = 'backupfunctions_control'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: namePrefix
    location: location
    retentionDays: logRetentionDays
  }
}

module runtimeStorage 'modules/runtime-storage.bicep' = {
  name: 'runtime-storage'
  params: {
    name: runtimeStorageName
    location: location
    skuName: runtimeStorageSku
    deploymentContainerName: deploymentContainerName
  }
}

module backupStorage 'modules/backup-storage.bicep' = if (azureTarget.enabled) {
  name: 'backup-storage'
  params: {
    name: backupStorageName
    location: location
    skuName: backupStorageSku
    container: azureTarget.container
    softDeleteDays: azureTarget.softDeleteDays
    immutabilityDays: azureTarget.immutabilityDays
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    softDeleteDays: 90
    purgeProtection: keyVaultPurgeProtection
    secretValues: secretValues
  }
}

module network 'modules/network.bicep' = if (postgresAccess == 'private') {
  name: 'network'
  params: {
    namePrefix: namePrefix
    location: location
    addressPrefix: vnetAddressPrefix
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: postgresName
    location: location
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    version: postgresVersion
    storageSizeGB: postgresStorageSizeGB
    highAvailability: postgresHighAvailability
    backupRetentionDays: 14
    access: postgresAccess
    delegatedSubnetId: network.?outputs.postgresSubnetId ?? ''
    privateDnsZoneId: network.?outputs.privateDnsZoneId ?? ''
    databaseName: controlDatabase
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: appName
    location: location
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyInstances: alwaysReadyInstances
    deploymentBlobEndpoint: runtimeStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    subnetId: network.?outputs.appSubnetId ?? ''
    appSettings: appSettings({
      runtimeStorageAccountName: runtimeStorage.outputs.name
      insightsConnectionString: monitoring.outputs.insightsConnectionString
      keyVaultName: keyVault.outputs.name
      taskHubName: taskHubName
      schedules: schedules
      control: {
        host: postgres.outputs.fqdn
        database: postgres.outputs.databaseName
        user: appName
        catalogSchema: 'bf_catalog'
      }
      sourceDatabases: sourceDatabases
      tenantIds: tenantIds
      kekId: kekId
      previousKekIds: previousKekIds
      s3Targets: s3Targets
      azureTarget: azureTarget
      azureTargetBlobEndpoint: backupStorage.?outputs.blobEndpoint ?? ''
      retentionDefaultKeepDays: retentionDefaultKeepDays
      minVerifiedToKeep: minVerifiedToKeep
      activityTimeout: activityTimeout
      stagingDirectory: stagingDirectory
      pgBinDirectory: pgBinDirectory
      compression: compression
      tenantSessionSetting: tenantSessionSetting
      scratchDatabasePrefix: 'bf_scratch_'
      alerts: alertRules
    })
  }
}

module appRoles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  params: {
    principalId: functionApp.outputs.principalId
    runtimeStorageName: runtimeStorageName
    keyVaultName: keyVaultName
    backupStorageName: backupStorageName
  }
}

module postgresAppAdmin 'modules/postgres-app-admin.bicep' = {
  name: 'postgres-app-admin'
  params: {
    serverName: postgresName
    principalId: functionApp.outputs.principalId
    principalName: functionApp.outputs.name
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: namePrefix
    location: location
    insightsId: monitoring.outputs.insightsId
    emails: alertEmails
    rtoMinutes: rtoMinutes
    fullBackupMaxAgeHours: 26
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output keyVaultName string = keyVault.outputs.name
output postgresHost string = postgres.outputs.fqdn
output runtimeStorageName string = runtimeStorage.outputs.name
@description('The Key Vault secrets the first-run set-up writes (docs/deploy.md).')
output secretNames object = secretNames(kekId, s3Targets)
