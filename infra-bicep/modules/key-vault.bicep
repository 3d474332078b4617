// Key Vault (RBAC, no access policies) for everything secret the app reads: the key-encryption key(s), the S3 / R2 /
// B2 credentials, the source server's connection string and the admin key. The app reads them through Key Vault
// references in its app settings; nothing secret is an app setting value or a template literal.

@description('Globally unique vault name (3-24 letters, digits and dashes).')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('Keep deleted secrets this many days.')
@minValue(7)
@maxValue(90)
param softDeleteDays int

@description('Purge protection: a deleted vault or secret cannot be purged before its soft-delete period ends. Cannot be turned off again.')
param purgeProtection bool

@description('Secret values to write, by secret name. Empty on most deployments: the first-run set-up (docs/deploy.md) writes them with az keyvault secret set, so they never pass through a deployment.')
@secure()
param secretValues object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteDays
    // Purge protection accepts true or "not set"; false is rejected once it was ever true.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secretValues): {
    parent: vault
    name: secret.key
    properties: { value: secret.value }
  }
]

output name string = vault.name
output id string = vault.id
