using Azure.Storage.Blobs;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Faults;

/// <summary>
/// The product's backup orchestration on the in-memory engine over the three real targets, with the S3 server, Azurite
/// and the control database each reached through a <see cref="FaultProxy"/> of its own, so a test breaks the network
/// the real SDKs and Npgsql use. The proxies pass everything through until a test arms them.
/// </summary>
public sealed class ProxiedRun : IAsyncDisposable
{
    private ProxiedRun(ThreeTargets targets, FaultProxy s3, FaultProxy azure, FaultProxy control, EngineHarness engine)
    {
        Targets = targets;
        S3 = s3;
        Azure = azure;
        Control = control;
        Engine = engine;
    }

    public ThreeTargets Targets { get; }

    public FaultProxy S3 { get; }

    public FaultProxy Azure { get; }

    /// <summary>In front of the control (catalog) database.</summary>
    public FaultProxy Control { get; }

    public EngineHarness Engine { get; }

    public static async Task<ProxiedRun> StartAsync(string database, WorkflowRetryOptions retries)
    {
        var targets = await ThreeTargets.CreateAsync(database);
        var s3 = new FaultProxy(new Uri(TestServices.S3ServiceUrl));
        var azure = new FaultProxy(new BlobServiceClient(TestServices.AzuriteConnectionString).Uri);
        var control = new FaultProxy(new Uri($"tcp://{TestServices.PgHost}:{TestServices.PgPort}"));
        var options = targets.WithTarget(ThreeTargets.S3, t => t.ServiceUrl = s3.Url);
        options = WithAzureVia(options, azure);
        var engine = await EngineHarness.StartAsync(options, retries, routeControl: cs => Via(cs, control));
        return new ProxiedRun(targets, s3, azure, control, engine);
    }

    /// <summary>Runs a full backup and returns its metadata (output and custom status included).</summary>
    public Task<OrchestrationMetadata> BackupAsync(TimeSpan? timeout = null) =>
        Engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest(), timeout);

    /// <summary>The staging directory's leftovers (the lock file each process holds there by design does not count).</summary>
    public IReadOnlyList<string> StagingLeftovers => Support.StagingLeftovers.In(Targets.Options.StagingDirectory);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await S3.DisposeAsync();
        await Azure.DisposeAsync();
        await Control.DisposeAsync();
        await Targets.DisposeAsync();
    }

    private static BackupFunctionsOptions WithAzureVia(BackupFunctionsOptions options, FaultProxy proxy)
    {
        var azure = options.Targets.Single(t => t.Name == ThreeTargets.Azure);
        azure.ConnectionString = System.Text.RegularExpressions.Regex.Replace(azure.ConnectionString!, @"BlobEndpoint=http://[^/;]+", $"BlobEndpoint={proxy.Url}");
        return options;
    }

    private static string Via(string connectionString, FaultProxy proxy) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
}
