// The Functions runtime's storage account: the task hub (queues, tables, blobs of the Durable Task extension), timer
// locks, host keys (azure-webjobs-secrets) and the Flex Consumption deployment package container. The app reaches it
// with its managed identity only, so shared-key access is off: Flex Consumption needs no Azure Files content share,
// which is the one part of the runtime that would still need an account key.

@description('Globally unique account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('Replication, e.g. Standard_LRS or Standard_ZRS.')
param skuName string

@description('Container the deployment package is uploaded to (Flex Consumption one-deploy).')
param deploymentContainerName string

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
    accessTier: 'Hot'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
