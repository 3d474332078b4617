// Azure Database for PostgreSQL Flexible Server for the catalog (the control database). The app's managed identity is
// its Entra ID administrator (postgres-app-admin.bicep, once the app exists), so the app signs in with a token and there is no database password to keep; password
// sign-in stays off unless asked for.

@description('Server name (becomes <name>.postgres.database.azure.com).')
param name string

param location string

param skuName string

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string

@allowed(['14', '15', '16', '17'])
param version string

@minValue(32)
param storageSizeGB int

@allowed(['Disabled', 'ZoneRedundant', 'SameZone'])
param highAvailability string

@minValue(7)
@maxValue(35)
param backupRetentionDays int

@description('public: reachable over the internet (TLS, Entra sign-in), with the firewall open to Azure services only; private: only from the delegated subnet.')
@allowed(['public', 'private'])
param access string

@description('The delegated subnet (private access); empty for public access.')
param delegatedSubnetId string

@description('The private DNS zone (private access); empty for public access.')
param privateDnsZoneId string

@description('The control database the catalog lives in.')
param databaseName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: version
    storage: { storageSizeGB: storageSizeGB, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: backupRetentionDays, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: highAvailability }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: access == 'private'
      ? {
          publicNetworkAccess: 'Disabled'
          delegatedSubnetResourceId: delegatedSubnetId
          privateDnsZoneArmResourceId: privateDnsZoneId
        }
      : { publicNetworkAccess: 'Enabled' }
  }
}

// 0.0.0.0 is Azure's "allow Azure services": Flex Consumption has no fixed outbound addresses to list instead.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (access == 'public') {
  parent: server
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

// The server takes one change at a time: the database waits for the firewall rule.
resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
  dependsOn: [allowAzure]
}

output fqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
output serverName string = server.name
