// Alert rules on the app's telemetry in Application Insights. The orchestration rules read the Durable Task
// extension's tracking events (traces of category Host.Triggers.DurableTask, kept at Information by host.json):
// prop__functionName, prop__state (Started, Completed, Failed), prop__isReplay.

@description('Name prefix of the rules.')
param namePrefix string

param location string

param insightsId string

@description('E-mail addresses told when a rule fires; empty: the rules fire with no one told (see them in the portal).')
param emails string[]

@description('Recovery time objective in minutes: a test restore that takes longer fires an alert.')
@minValue(1)
param rtoMinutes int

@description('Hours without a completed full backup before the alert (26: a daily schedule plus slack).')
@minValue(1)
@maxValue(47)
param fullBackupMaxAgeHours int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(emails)) {
  name: '${namePrefix}-backup-alerts'
  location: 'global'
  properties: {
    groupShortName: take('${namePrefix}bf', 12)
    enabled: true
    emailReceivers: [for (email, i) in emails: { name: 'email-${i}', emailAddress: email, useCommonAlertSchema: true }]
  }
}

var durable = 'traces | where customDimensions.Category == "Host.Triggers.DurableTask" and tostring(customDimensions.prop__isReplay) != "True"'

var rules = [
  {
    name: 'failed-orchestrations'
    description: 'An orchestration (backup, restore, integrity check, retention, DR) ended Failed.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT15M'
    query: '${durable} | where customDimensions.prop__functionType == "Orchestrator" and customDimensions.prop__state == "Failed"'
    operator: 'GreaterThan'
  }
  {
    name: 'no-full-backup'
    description: 'No full backup completed (at least one verified copy) in the last ${fullBackupMaxAgeHours} hours.'
    severity: 0
    frequency: 'PT1H'
    window: 'P2D'
    query: '${durable} | where timestamp > ago(${fullBackupMaxAgeHours}h) | where customDimensions.prop__functionName == "FullBackupOrchestrator" and customDimensions.prop__state == "Completed"'
    operator: 'LessThan'
  }
  {
    name: 'function-errors'
    description: 'A function invocation failed (an HTTP route, a timer, an activity attempt).'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'requests | where success == false'
    operator: 'GreaterThan'
  }
  {
    name: 'test-restore-over-rto'
    description: 'A test restore took longer than the RTO (${rtoMinutes} minutes): a real restore would too.'
    severity: 2
    frequency: 'PT1H'
    window: 'P1D'
    query: '${durable} | where customDimensions.prop__functionName == "TestRestoreOrchestrator" | extend state = tostring(customDimensions.prop__state), id = tostring(customDimensions.prop__instanceId) | summarize started = minif(timestamp, state == "Started"), finished = maxif(timestamp, state in ("Completed", "Failed")) by id | where isnotnull(finished) and finished - started > ${rtoMinutes}m'
    operator: 'GreaterThan'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    properties: {
      displayName: '${namePrefix}: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [insightsId]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      autoMitigate: false
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: rule.operator
            threshold: rule.operator == 'LessThan' ? 1 : 0
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      actions: { actionGroups: empty(emails) ? [] : [actionGroup.id] }
    }
  }
]

output ruleNames string[] = [for (rule, i) in rules: alerts[i].name]
