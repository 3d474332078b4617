using System.Net;
using System.Text.Json;
using BackupFunctions.Functions.Http;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>
/// A backup's verifications and its stored manifest, for a backup recorded in the real catalog whose copy is on the
/// app's file-system target: each way the manifest cannot be read is a problem with its own status and a detail that
/// says what to do. A second S3 target points at a port nothing listens on, for the unreachable case.
/// </summary>
public sealed class BackupInspectionFunctionsTests(FunctionsApp app) : IClassFixture<FunctionsApp>, IAsyncLifetime
{
    private readonly string _backupId = "20261206T050000Z-inspect" + Guid.NewGuid().ToString("N")[..6];
    private ServiceProvider _services = null!;
    private BackupInspectionFunctions _functions = null!;

    private string ArtifactKey => $"app/{_backupId}/{ObjectKeys.ArtifactFileName}";

    private string ManifestKey => $"app/{_backupId}/{ObjectKeys.ManifestFileName}";

    public async Task InitializeAsync()
    {
        _services = FunctionsApp.Build(app.ControlConnectionString, app.Root, new Dictionary<string, string?>
        {
            ["BackupFunctions:Targets:1:Name"] = "offline",
            ["BackupFunctions:Targets:1:Type"] = "s3",
            ["BackupFunctions:Targets:1:ServiceUrl"] = $"http://127.0.0.1:{LocalPorts.Closed()}",
            ["BackupFunctions:Targets:1:Bucket"] = "nowhere",
            ["BackupFunctions:Targets:1:AccessKey"] = TestServices.S3AccessKey,
            ["BackupFunctions:Targets:1:SecretKey"] = TestServices.S3SecretKey,
        });
        _functions = ActivatorUtilities.CreateInstance<BackupInspectionFunctions>(_services);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await _services.GetRequiredService<IBackupCatalog>().RecordBackupAsync(new BackupManifest
        {
            BackupId = _backupId, Kind = BackupKind.Full, Database = "app", CreatedAt = at, CompletedAt = at.AddMinutes(1),
            RawBytes = 5000, StoredBytes = 1234, StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "k",
            ArtifactKey = ArtifactKey, Copies = [new TargetCopy("local", ArtifactKey, true, at), new TargetCopy("offline", ArtifactKey, true, at)],
        }, "Succeeded", null);
    }

    [Fact]
    public async Task Without_a_target_the_manifest_route_is_a_400_that_says_how_to_name_one()
    {
        var response = await CallAsync(c => _functions.Manifest(Get(c, $"backups/{_backupId}/manifest"), _backupId, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("?target=", response.Detail());
    }

    [Fact]
    public async Task An_unknown_backup_is_a_404_on_both_routes()
    {
        var manifest = await CallAsync(c => _functions.Manifest(Get(c, "backups/nope/manifest?target=local"), "nope", c));
        var verifications = await CallAsync(c => _functions.Verifications(Get(c, "backups/nope/verifications"), "nope", c));

        Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, verifications.StatusCode);
        Assert.Contains("'nope'", verifications.Detail());
    }

    [Fact]
    public async Task A_target_that_is_not_configured_is_a_404_that_lists_the_configured_ones()
    {
        var response = await CallAsync(c => _functions.Manifest(Get(c, $"backups/{_backupId}/manifest?target=tape"), _backupId, c));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'tape'", response.Detail());
        Assert.Contains("'local'", response.Detail());
    }

    [Fact]
    public async Task A_manifest_missing_from_the_target_is_a_404_that_names_its_key()
    {
        var response = await CallAsync(c => _functions.Manifest(Get(c, $"backups/{_backupId}/manifest?target=local"), _backupId, c));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(ManifestKey, response.Detail());
    }

    [Fact]
    public async Task A_damaged_manifest_is_a_422_and_the_file_is_left_as_it_was()
    {
        var file = Path.Combine(app.Root, "target", ManifestKey);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "{ not json");

        var response = await CallAsync(c => _functions.Manifest(Get(c, $"backups/{_backupId}/manifest?target=local"), _backupId, c));

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("damaged", response.Detail());
        Assert.Equal("{ not json", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_target_that_does_not_answer_is_a_503()
    {
        var response = await CallAsync(c => _functions.Manifest(Get(c, $"backups/{_backupId}/manifest?target=offline"), _backupId, c));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("'offline' could not be read", response.Detail());
        Assert.DoesNotContain(TestServices.S3SecretKey + "\"", response.Detail());
    }

    [Fact]
    public async Task Verifications_of_every_target_are_listed_and_a_bad_limit_is_refused()
    {
        var catalog = _services.GetRequiredService<IBackupCatalog>();
        await catalog.RecordVerificationAsync(_backupId, "local", intact: true, error: null, instanceId: "i1");
        await catalog.RecordVerificationAsync(_backupId, "offline", intact: false, error: "unreachable", instanceId: "i2");

        var list = await CallAsync(c => _functions.Verifications(Get(c, $"backups/{_backupId}/verifications?limit=10"), _backupId, c));
        var bad = await CallAsync(c => _functions.Verifications(Get(c, $"backups/{_backupId}/verifications?limit=5000"), _backupId, c));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var targets = JsonDocument.Parse(list.BodyText()).RootElement.EnumerateArray().Select(v => v.GetProperty("target").GetString()).Order();
        Assert.Equal(["local", "offline"], targets);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("limit", bad.Detail());
    }


    private async Task<FakeHttpResponseData> CallAsync(Func<FunctionContext, Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>> call) =>
        (FakeHttpResponseData)await call(new FakeFunctionContext("test", _services, new Dictionary<string, object?>()));

    private static FakeHttpRequestData Get(FunctionContext c, string path) => new(c, "GET", "http://localhost/api/" + path);

    public async Task DisposeAsync() => await _services.DisposeAsync();
}
