namespace BackupFunctions.Workflows;

/// <summary>
/// An orchestrator or activity the self-hosted host registers but the Function App does not: it needs the worker's own
/// disk and processes beyond one call (a PITR restore lays down a data directory and leaves a PostgreSQL server running),
/// which a Function App instance does not keep. The Function App answers the route that would start it with a problem.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SelfHostedOnlyAttribute : Attribute;
