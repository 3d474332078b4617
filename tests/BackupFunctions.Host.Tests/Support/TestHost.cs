using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// The real host (HostApp.Build) on a real Kestrel in this process, on 127.0.0.1 and a port the OS picks, with its
/// task hub on Azurite.
/// <code>
/// await using var hub = new TestHub();
/// await using var host = await TestHost.StartAsync(HostSettings.For(db.ConnectionString, hub.Name),
///     b => b.Services.AddDurableRegistration(TestOrchestrations.Register));
/// var response = await host.Client(TestKeys.Function).PostAsync("/api/backups", ...);
/// </code>
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The host's own client (the SDK's DurableTaskClient over its sidecar).</summary>
    public DurableTaskClient Durable => _app.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<TestHost> StartAsync(
        IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null, string[]? args = null)
    {
        var app = Build(settings, configure, args);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address));
    }

    /// <summary>Builds the host without starting it: what a settings check or the DI composition needs.</summary>
    public static WebApplication Build(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null, string[]? args = null) =>
        HostApp.Build(args ?? [], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            // Test output stays readable; failures show up as HTTP answers and assertions.
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });

    /// <summary>A client for this host, sending <paramref name="key"/> in x-functions-key when given.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
