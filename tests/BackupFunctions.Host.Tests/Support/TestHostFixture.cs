using BackupFunctions.Host.Hosting;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// One control database, one task hub and one in-process host, shared by the classes of <see cref="HostCollection"/>:
/// the test orchestrations, stand-ins under the product orchestration names, a fake catalog and two configured targets
/// ("local", "s3").
/// </summary>
public class TestHostFixture : IAsyncLifetime
{
    private TempDatabase? _db;
    private TestHub? _hub;

    public TestHost Host { get; private set; } = null!;

    public FakeCatalog Catalog { get; } = new();

    public string ControlConnectionString => _db!.ConnectionString;

    public HttpClient Anonymous => Host.Client();

    public HttpClient FunctionClient => Host.Client(TestKeys.Function);

    public HttpClient AdminClient => Host.Client(TestKeys.Admin);

    protected virtual Dictionary<string, string?> Settings(string controlConnectionString, string hub) =>
        HostSettings.For(controlConnectionString, hub)
            .With("BackupFunctions:Targets:0:Name", "local").With("BackupFunctions:Targets:0:Type", "filesystem")
            .With("BackupFunctions:Targets:1:Name", "s3").With("BackupFunctions:Targets:1:Type", "s3")
            // The databases a request may name: "app" (the connection string's) and "reports". Nothing connects to them here.
            .With("BackupFunctions:Source:ConnectionString", $"Host=127.0.0.1;Database=app;Username=bf;Password={SourcePassword}")
            .With("BackupFunctions:Source:Databases:0", "reports");

    /// <summary>The source password in the settings, which no answer may contain.</summary>
    public const string SourcePassword = "never-in-an-answer";

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("host");
        _hub = new TestHub();
        Host = await TestHost.StartAsync(Settings(_db.ConnectionString, _hub.Name), b =>
        {
            b.Services.AddDurableRegistration(TestOrchestrations.Register);
            b.Services.AddDurableRegistration(TestOrchestrations.RegisterProductStandIns);
            b.Services.AddSingleton<IBackupCatalog>(Catalog);
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _hub!.DisposeAsync();
        await _db!.DisposeAsync();
    }
}

/// <summary>
/// The HTTP test classes share one host: a fresh task hub waits a few seconds for its partition leases, and one host
/// at a time leaves the two cores to the tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<TestHostFixture>
{
    public const string Name = "in-process host";
}
