using System.Net;
using BackupFunctions.Functions.Http;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>
/// The read routes when the control database does not answer (a port on 127.0.0.1 nothing listens on): a 503 problem
/// that names the setting to check, not a bare 500, and never the connection string's password.
/// </summary>
public sealed class ControlDatabaseDownTests : IAsyncLifetime
{
    private const string Password = "not-a-real-password-7f3a";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-functions-down-").FullName;
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        // In the ledger, so the secrets scan after the suite also fails if a log or result file shows it.
        TestSecrets.Register(Password);
        _services = FunctionsApp.Build($"Host=127.0.0.1;Port={LocalPorts.Closed()};Username=bf;Password={Password};Timeout=5", _root);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Listing_backups_is_a_503_that_names_the_control_database_setting()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(_services);
        var response = await CallAsync(c => functions.ListBackups(Get(c, "backups"), c));

        AssertUnavailable(response);
    }

    [Fact]
    public async Task Health_and_acknowledging_are_503_too()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(_services);

        AssertUnavailable(await CallAsync(c => functions.Health(Get(c, "health"), c)));
        AssertUnavailable(await CallAsync(c => functions.AckAlert(new FakeHttpRequestData(c, "POST", "http://localhost/api/alerts/1/ack"), "1", c)));
        AssertUnavailable(await CallAsync(c => functions.GetBackup(Get(c, "backups/b1"), "b1", c)));
    }

    [Fact]
    public async Task A_backup_s_verifications_and_manifest_are_503()
    {
        var functions = ActivatorUtilities.CreateInstance<BackupInspectionFunctions>(_services);

        AssertUnavailable(await CallAsync(c => functions.Verifications(Get(c, "backups/b1/verifications"), "b1", c)));
        AssertUnavailable(await CallAsync(c => functions.Manifest(Get(c, "backups/b1/manifest?target=local"), "b1", c)));
    }

    private static void AssertUnavailable(FakeHttpResponseData response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Contains("BackupFunctions:Control:ConnectionString", response.Detail());
        Assert.DoesNotContain(Password, response.Detail());
    }


    private async Task<FakeHttpResponseData> CallAsync(Func<FunctionContext, Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>> call) =>
        (FakeHttpResponseData)await call(new FakeFunctionContext("test", _services, new Dictionary<string, object?>()));

    private static FakeHttpRequestData Get(FunctionContext c, string path) => new(c, "GET", "http://localhost/api/" + path);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
