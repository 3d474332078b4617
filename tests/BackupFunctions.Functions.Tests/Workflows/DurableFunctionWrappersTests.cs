using System.Reflection;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Workflows;

/// <summary>
/// Every orchestrator and activity function creates the Workflows class of its own name. The functions are written
/// out by hand (no source generator), so a copy-paste slip would run another class under a function's name; here each
/// is invoked with no services, and the class it tried to create is read from the activation error.
/// </summary>
public sealed class DurableFunctionWrappersTests
{
    public static TheoryData<string, string> Wrappers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var method in new[] { typeof(ActivityFunctions), typeof(OrchestratorFunctions) }.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function)
                {
                    data.Add(method.DeclaringType!.Name + "." + method.Name, function.Name);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Wrappers))]
    public async Task The_function_creates_the_class_it_is_named_after(string method, string functionName)
    {
        var parts = method.Split('.');
        var info = (parts[0] == nameof(ActivityFunctions) ? typeof(ActivityFunctions) : typeof(OrchestratorFunctions)).GetMethod(parts[1])!;
        var context = new FakeFunctionContext(functionName, new ServiceCollection().BuildServiceProvider(), new Dictionary<string, object?>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            try
            {
                await (Task)info.Invoke(null, [null, context])!;
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException!;
            }
        });

        Assert.Contains($".{functionName}'", error.Message, StringComparison.Ordinal);
    }
}
