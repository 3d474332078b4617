// Makes the Function App's managed identity an Entra ID administrator of the catalog server. A separate step because
// the app's settings need the server's name first, and the identity exists only once the app does.
// Administrator, not a plain Entra user: ARM can create only administrators; a least-privilege user would need
// SQL run as an administrator (pgaadauth_create_principal), which docs/deploy.md shows for those who want it.

param serverName string

@description('The app identity\'s object id.')
param principalId string

@description('The app name: the managed identity\'s display name, and the user name it signs in with.')
param principalName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

resource appAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: principalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: principalName
    tenantId: subscription().tenantId
  }
}
