using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackupFunctions.Host;
using BackupFunctions.Testing;
using DurableTask.AzureStorage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// The real self-hosted host (HostApp) on Kestrel in this process, its task hub on Azurite (a hub of its own, deleted on
/// dispose), product workflows on, reading a <see cref="PitrEnvironment"/>'s settings file: PITR restores through
/// POST /api/restores/pitr go below <see cref="RestoreRoot"/>, and the restored servers fetch WAL with the real
/// <c>backupctl wal fetch</c> and the settings file given.
/// </summary>
internal sealed class PitrApiHost : IAsyncDisposable
{
    public const string FunctionKey = "pitr-function-key-for-tests-01";
    public const string AdminKey = "pitr-admin-key-for-tests-0001";

    private readonly WebApplication _app;
    private readonly TempDatabase _control;
    private readonly AzureStorageOrchestrationService _hub;

    private PitrApiHost(WebApplication app, TempDatabase control, AzureStorageOrchestrationService hub, string restoreRoot)
    {
        _app = app;
        _control = control;
        _hub = hub;
        RestoreRoot = restoreRoot;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public Uri BaseAddress { get; }

    public string RestoreRoot { get; }

    /// <param name="configFile">The backupctl settings (source, keys, WAL targets) the host and its restored servers' wal fetch read.</param>
    public static async Task<PitrApiHost> StartAsync(PitrEnvironment env, string configFile, string restoreRoot)
    {
        Directory.CreateDirectory(restoreRoot);
        await ArchivingCluster.ChownAsync(restoreRoot);
        var control = await TempDatabase.CreateAsync("pitrapi");
        var hubName = $"p{Guid.NewGuid():N}"[..24];
        var settings = new Dictionary<string, string?>
        {
            ["BackupFunctions:Control:ConnectionString"] = control.ConnectionString,
            ["BackupFunctions:TaskHub:ConnectionString"] = TestServices.AzuriteConnectionString,
            ["BackupFunctions:TaskHub:HubName"] = hubName,
            ["BackupFunctions:TaskHub:PartitionCount"] = "1",
            ["BackupFunctions:TaskHub:MaxQueuePollingInterval"] = "00:00:00.200",
            ["BackupFunctions:Host:Urls"] = "http://127.0.0.1:0",
            ["BackupFunctions:Host:RunTimers"] = "false",
            ["BackupFunctions:Host:RegisterProductWorkflows"] = "true",
            ["BackupFunctions:Host:ShutdownTimeout"] = "00:00:10",
            ["BackupFunctions:Keys:FunctionKeys:0"] = FunctionKey,
            ["BackupFunctions:Keys:AdminKeys:0"] = AdminKey,
            ["BackupFunctions:Retries:Attempts"] = "1",
            ["BackupFunctions:Pitr:RestoreDirectory"] = restoreRoot,
            ["BackupFunctions:Pitr:WalFetchCommand"] = $"{PitrEnvironment.BackupctlCommand} wal fetch --config '{configFile}'",
            ["BackupFunctions:Pitr:RestoreRunAs"] = ArchivingCluster.IsRoot ? "postgres" : null,
            // A guard against a hung recovery, not a performance bound.
            ["BackupFunctions:Pitr:RestoreTimeout"] = "00:03:00",
        };
        var app = HostApp.Build([], builder =>
        {
            builder.Configuration.AddJsonFile(configFile, optional: false);
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        var hub = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(TestServices.AzuriteConnectionString),
            TaskHubName = hubName,
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await control.DisposeAsync();
            throw;
        }

        return new PitrApiHost(app, control, hub, restoreRoot);
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null) client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>POSTs a PITR restore with the admin key, expects 202, and follows statusQueryGetUri until the run ends.</summary>
    public async Task<JsonElement> RunRestoreAsync(string body)
    {
        using var admin = Client(AdminKey);
        var started = await admin.PostAsync("/api/restores/pitr", Json(body));
        var startedText = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{started.StatusCode}: {startedText}");
        var statusUrl = JsonDocument.Parse(startedText).RootElement.GetProperty("statusQueryGetUri").GetString()!;
        // A guard against a hung run (RestoreTimeout bounds recovery), not a performance bound.
        var guard = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            var status = JsonDocument.Parse(await admin.GetStringAsync(statusUrl)).RootElement.Clone();
            if (status.GetProperty("runtimeStatus").GetString() is "Completed" or "Failed" or "Terminated") return status;
            if (DateTime.UtcNow > guard) throw new TimeoutException($"The PITR restore did not end within 6 minutes; last status: {status}");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            try { await _hub.DeleteAsync(); }
            catch (Exception) { /* Azurite gone or the hub never created: nothing to tidy up. */ }
        }
        finally
        {
            await _control.DisposeAsync();
        }
    }
}
