using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Durable;

/// <summary>
/// Maps orchestrator and activity names (case-insensitive) to the code that runs them. Class-based
/// units are created per invocation through the service provider, so they get constructor injection.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    public DurableTaskRegistry AddOrchestrator<T>() where T : class, ITaskOrchestrator =>
        AddOrchestrator(NameOf(typeof(T)), typeof(T));

    public DurableTaskRegistry AddOrchestrator(string name, Type type)
    {
        if (!typeof(ITaskOrchestrator).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type.FullName} does not derive from TaskOrchestrator<TInput,TOutput>.", nameof(type));
        }

        return Add(_orchestrators, name, sp => (ITaskOrchestrator)ActivatorUtilities.CreateInstance(sp, type), "orchestrator");
    }

    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) =>
        Add(_orchestrators, name, _ => new FuncOrchestrator<TInput, TOutput>(run), "orchestrator");

    public DurableTaskRegistry AddActivity<T>() where T : class, ITaskActivity =>
        AddActivity(NameOf(typeof(T)), typeof(T));

    public DurableTaskRegistry AddActivity(string name, Type type)
    {
        if (!typeof(ITaskActivity).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type.FullName} does not derive from TaskActivity<TInput,TOutput>.", nameof(type));
        }

        return Add(_activities, name, sp => (ITaskActivity)ActivatorUtilities.CreateInstance(sp, type), "activity");
    }

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run) =>
        Add(_activities, name, _ => new FuncActivity<TInput, TOutput>(run), "activity");

    internal bool TryCreateOrchestrator(string name, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var f) ? f(services) : null;
        return orchestrator is not null;
    }

    internal bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var f) ? f(services) : null;
        return activity is not null;
    }

    internal static string NameOf(Type type) => type.GetCustomAttribute<DurableTaskAttribute>()?.Name ?? type.Name;

    private DurableTaskRegistry Add<T>(Dictionary<string, T> map, string name, T factory, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!map.TryAdd(name, factory))
        {
            throw new ArgumentException($"An {kind} named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}
