// The Linux Function App (.NET 10 isolated worker) on a Flex Consumption plan, with a system-assigned identity.
// Why Flex Consumption (docs/deploy.md, "Plan"): no run-time cap on an activity (a dump may run for hours), always-ready
// instances keep the timers and the task hub's queues polled, and every connection can be identity-based, so the
// runtime account needs no shared key (Elastic Premium would need an Azure Files content share, which only takes a key).

@description('App name (becomes <name>.azurewebsites.net); also the catalog server user the app signs in as.')
param name string

param location string

@description('Instance memory: 2048 or 4096 MB (4096 gives pg_dump, zstd and pg_restore room).')
@allowed([2048, 4096])
param instanceMemoryMB int

@description('Instances the plan may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Instances kept running for the Durable Task triggers (orchestrators, activities, and the timers the host schedules with them). At least 1, so a due time never waits for a cold start.')
@minValue(1)
param alwaysReadyInstances int

@description('The runtime storage account\'s blob endpoint and the container the deployment package goes to.')
param deploymentBlobEndpoint string
param deploymentContainerName string

@description('The app settings by name (app-settings.bicep).')
param appSettings object

@description('The subnet the app joins to reach a private catalog server; empty for none.')
param subnetId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: map(items(appSettings), s => { name: s.key, value: s.value })
    }
    functionAppConfig: {
      // Flex Consumption sets the worker runtime here; it refuses FUNCTIONS_WORKER_RUNTIME as an app setting.
      runtime: { name: 'dotnet-isolated', version: '10.0' }
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${deploymentBlobEndpoint}${deploymentContainerName}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: [{ name: 'durable', instanceCount: alwaysReadyInstances }]
      }
    }
  }
}

// Basic-auth publishing (FTP and the SCM site's user/password) off: deploy with Entra ID (az functionapp deployment).
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

output name string = app.name
output principalId string = app.identity.principalId
output defaultHostName string = app.properties.defaultHostName
