using System.Reflection;
using BackupFunctions.Workflows;
using Microsoft.DurableTask;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// Every orchestrator and activity class in the Workflows assembly, with the name the durable registry gives it
/// (<see cref="DurableTaskAttribute"/> when present, else the class name): what AddBackupWorkflows registers, less the
/// self-hosted-only ones (<see cref="SelfHostedOnlyAttribute"/>), which the Function App does not wrap.
/// </summary>
internal static class WorkflowTypes
{
    private static readonly Assembly Workflows = typeof(WorkflowsServiceCollectionExtensions).Assembly;

    public static IReadOnlyList<string> OrchestratorNames { get; } = NamesDerivingFrom(typeof(TaskOrchestrator<,>));

    public static IReadOnlyList<string> ActivityNames { get; } = NamesDerivingFrom(typeof(TaskActivity<,>));

    private static IReadOnlyList<string> NamesDerivingFrom(Type openBase) =>
        Workflows.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && DerivesFrom(t, openBase) && t.GetCustomAttribute<SelfHostedOnlyAttribute>() is null)
            .Select(t => t.GetCustomAttribute<DurableTaskAttribute>()?.Name.Name is { Length: > 0 } named ? named : t.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static bool DerivesFrom(Type type, Type openBase)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == openBase)
            {
                return true;
            }
        }

        return false;
    }
}
