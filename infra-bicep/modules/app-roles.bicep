// The app identity's roles, and no others: what the Functions host and the Durable Task extension need on the runtime
// account (blobs: host keys, timer and partition leases, large messages, the deployment package; queues: control and
// work-item queues; tables: history and instances), write access to the backup container's account, and read access
// to Key Vault secrets (the Key Vault references). tests/BackupFunctions.Infra.Tests holds this list to exactly these.

param principalId string
param runtimeStorageName string
param keyVaultName string

@description('The backup target account; empty when there is none.')
param backupStorageName string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

var runtimeRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]

resource runtimeStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: runtimeStorageName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource backupStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = if (!empty(backupStorageName)) {
  name: backupStorageName
}

resource runtime 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in runtimeRoles: {
    scope: runtimeStorage
    name: guid(runtimeStorage.id, principalId, role)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource backupWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(backupStorageName)) {
  scope: backupStorage
  name: guid(backupStorage.id, principalId, roles.storageBlobDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}
