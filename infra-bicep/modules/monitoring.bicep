// Application Insights on a Log Analytics workspace: the Functions host and the worker send their logs, requests and
// the Durable Task tracking events (category Host.Triggers.DurableTask) here; the alert rules query them.

@description('Name prefix of the resources.')
param namePrefix string

param location string

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param retentionDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output insightsId string = insights.id
output insightsName string = insights.name
// The connection string names where telemetry goes; it is not a credential (ingestion is not authenticated by it).
output insightsConnectionString string = insights.properties.ConnectionString
