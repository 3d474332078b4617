using Azure.Core.Serialization;
using BackupFunctions.Testing;
using BackupFunctions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Support;

/// <summary>
/// The Function App's services as Program.cs registers them (AddBackupWorkflows over configuration), on a control
/// database of its own on the real PostgreSQL and a file-system target in a temporary directory. The HTTP functions
/// are created from these services, so they run against the real catalog; only the trigger plumbing is faked.
/// </summary>
public sealed class FunctionsApp : IAsyncLifetime
{
    private TempDatabase _control = null!;

    public string Root { get; } = Directory.CreateTempSubdirectory("bf-functions-app-").FullName;

    public IServiceProvider Services { get; private set; } = null!;

    public string ControlConnectionString => _control.ConnectionString;

    public async Task InitializeAsync()
    {
        _control = await TempDatabase.CreateAsync("fn");
        Services = Build(_control.ConnectionString, Root);
    }

    /// <summary>The same app over <paramref name="controlConnectionString"/> (e.g. one nothing answers on).</summary>
    public static ServiceProvider Build(string controlConnectionString, string root, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["BackupFunctions:Control:ConnectionString"] = controlConnectionString,
            ["BackupFunctions:StagingDirectory"] = Path.Combine(root, "staging"),
            ["BackupFunctions:Targets:0:Name"] = "local",
            ["BackupFunctions:Targets:0:Type"] = "filesystem",
            ["BackupFunctions:Targets:0:Path"] = Path.Combine(root, "target"),
            ["BackupFunctions:Source:ConnectionString"] = TestServices.PgConnectionString(),
            // Backups may name only these; the start tests give each admission case a database of its own.
            ["BackupFunctions:Source:Databases:0"] = "app",
            ["BackupFunctions:Source:Databases:1"] = "crm",
            ["BackupFunctions:Source:Databases:2"] = "sales",
            ["BackupFunctions:Source:Databases:3"] = "hr",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBackupWorkflows(configuration);
        // What ConfigureFunctionsWebApplication sets: CreateCheckStatusResponseAsync writes its payload with it.
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer());
        return services.BuildServiceProvider();
    }

    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    public FunctionContext Context(string functionName = "test") =>
        new FakeFunctionContext(functionName, Services, new Dictionary<string, object?>());

    public async Task DisposeAsync()
    {
        if (Services is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await _control.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
