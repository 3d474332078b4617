using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Workflows;

/// <summary>
/// Runs a Workflows orchestrator or activity class from a Functions trigger. The class is created per invocation
/// from the app's services (its dependencies are singletons), exactly as the durable worker's registry would.
/// </summary>
internal static class WorkflowInvoker
{
    public static Task<TOutput> RunOrchestratorAsync<TOrchestrator, TInput, TOutput>(TaskOrchestrationContext context, FunctionContext function)
        where TOrchestrator : TaskOrchestrator<TInput, TOutput>
    {
        var orchestrator = ActivatorUtilities.CreateInstance<TOrchestrator>(function.InstanceServices);
        return orchestrator.RunAsync(context, context.GetInput<TInput>()!);
    }

    public static Task<TOutput> RunActivityAsync<TActivity, TInput, TOutput>(TInput input, FunctionContext function)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.CreateInstance<TActivity>(function.InstanceServices);
        var context = new FunctionActivityContext(function.FunctionDefinition.Name, InstanceIdOf(function));
        return activity.RunAsync(context, input);
    }

    /// <summary>The calling orchestration's id, which the activity trigger puts in the binding data.</summary>
    internal static string InstanceIdOf(FunctionContext function) =>
        function.BindingContext.BindingData.TryGetValue("instanceId", out var id) && id?.ToString() is { Length: > 0 } text
            ? text
            : function.InvocationId;
}
