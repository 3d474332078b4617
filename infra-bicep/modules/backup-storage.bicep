// The optional Azure Blob backup target: its own account, so a mistake on the runtime account (or its deletion) does
// not touch the backups. Versioning and soft delete keep an overwritten or deleted copy restorable; the optional
// version-level immutability makes every version write-once for a number of days.

@description('Globally unique account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('Replication; Standard_GRS or Standard_GZRS keeps a copy in the paired region.')
param skuName string

param container string

@minValue(1)
@maxValue(365)
param softDeleteDays int

@description('0: no immutability. Otherwise every blob version is write-once for this many days (policy unlocked).')
@minValue(0)
param immutabilityDays int

var immutable = immutabilityDays > 0

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    accessTier: 'Cool'
    // Version-level immutability can only be switched on when the account is created.
    immutableStorageWithVersioning: immutable
      ? {
          enabled: true
          immutabilityPolicy: {
            immutabilityPeriodSinceCreationInDays: max(1, immutabilityDays)
            state: 'Unlocked'
            allowProtectedAppendWrites: false
          }
        }
      : null
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource backups 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: container
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: immutable ? { enabled: true } : null
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
