using BackupFunctions.Targets.AzureBlob;
using BackupFunctions.Targets.S3;
using BackupFunctions.Targets.Tests.Support;
using BackupFunctions.Testing;
using Azure.Storage.Blobs;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>
/// Real SDKs against real services through <see cref="FaultProxy"/>: the failures are classified as
/// transient at the source, and the wrappers recover with byte-identical results.
/// </summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private static readonly RetryOptions Fast = new() { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };
    private readonly string _prefix = "faults/" + Guid.NewGuid().ToString("N");
    private readonly BlobContainerClient _container = new(TestServices.AzuriteConnectionString, "faults-" + Guid.NewGuid().ToString("N"));
    private FaultProxy _s3Proxy = null!;
    private FaultProxy _azureProxy = null!;

    public async Task InitializeAsync()
    {
        _s3Proxy = new FaultProxy(new Uri(TestServices.S3ServiceUrl));
        _azureProxy = new FaultProxy(_container.Uri);
        await _container.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _s3Proxy.DisposeAsync();
        await _azureProxy.DisposeAsync();
        await _container.DeleteIfExistsAsync();
        using var direct = S3(TestServices.S3ServiceUrl);
        await foreach (var item in direct.ListAsync("")) await direct.DeleteAsync(item.Key);
    }

    public static TheoryData<string> Backends => new() { "s3", "azureblob" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Reset_mid_body_is_recovered_by_a_resumed_ranged_read(string backend)
    {
        var (direct, proxied, proxy) = Targets(backend);
        var data = TestData.Bytes(3 * TestData.MiB, seed: 21);
        await direct.PutAsync("big", new MemoryStream(data));

        proxy.ResetResponseAfter(TestData.MiB);
        if (backend == "s3")
        {
            // The bare S3 target reports the broken body as transient...
            var raw = await Assert.ThrowsAnyAsync<TargetException>(async () => await TestData.ReadAllAsync(await proxied.OpenReadAsync("big")));
            Assert.True(raw.IsTransient, raw.ToString());
        }
        else
        {
            // ...while Azure's download stream already resumes by itself (the SDK's reliable-download retries).
            Assert.Equal(TestData.Sha256(data), TestData.Sha256(await TestData.ReadAllAsync(await proxied.OpenReadAsync("big"))));
        }

        proxy.ResetResponseAfter(TestData.MiB);
        var read = await TestData.ReadAllAsync(await new RetryingTarget(proxied, Fast).OpenReadAsync("big"));
        Assert.Equal(TestData.Sha256(data), TestData.Sha256(read));
        Assert.Equal(2, proxy.Resets);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Service_503_is_transient_and_retried(string backend)
    {
        var (direct, proxied, proxy) = Targets(backend);
        await direct.PutAsync("k", new MemoryStream([1, 2, 3]));

        proxy.Fail503(1);
        var raw = await Assert.ThrowsAnyAsync<TargetException>(() => proxied.OpenReadAsync("k"));
        Assert.True(raw.IsTransient, raw.ToString());
        Assert.Contains("503", raw.Message);

        proxy.Fail503(2);
        var read = await TestData.ReadAllAsync(await new RetryingTarget(proxied, Fast).OpenReadAsync("k"));
        Assert.Equal([1, 2, 3], read);
        Assert.Equal(3, proxy.Injected503s);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Upload_broken_mid_part_is_retried_per_part_even_from_a_non_seekable_stream(string backend)
    {
        var (_, proxied, proxy) = Targets(backend);
        var data = TestData.Bytes(11 * TestData.MiB, seed: 22);

        proxy.ResetRequestAfter(7 * TestData.MiB);
        await proxied.PutAsync("upload", new PipeLikeStream(data));

        Assert.Equal(1, proxy.Resets);
        Assert.True(await TargetVerifier.VerifyAsync(proxied, "upload", TestData.Sha256(data)));
    }

    [Fact]
    public async Task Slow_response_past_the_request_timeout_is_transient()
    {
        using var slow = new S3Target("s3-slow", S3TargetTests.Options(serviceUrl: _s3Proxy.Url, prefix: _prefix) with { RequestTimeout = TimeSpan.FromSeconds(1) });
        _s3Proxy.ResponseDelay = TimeSpan.FromSeconds(3);

        var ex = await Assert.ThrowsAnyAsync<TargetException>(() => slow.StatAsync("anything"));

        Assert.True(ex.IsTransient, ex.ToString());
        _s3Proxy.ResponseDelay = TimeSpan.Zero;
    }

    private (IBackupTarget Direct, IBackupTarget Proxied, FaultProxy Proxy) Targets(string backend) => backend switch
    {
        "s3" => (S3(TestServices.S3ServiceUrl), S3(_s3Proxy.Url), _s3Proxy),
        _ => (Azure(TestServices.AzuriteConnectionString), Azure(AzuriteVia(_azureProxy)), _azureProxy),
    };

    private S3Target S3(string url) => new("s3", S3TargetTests.Options(serviceUrl: url, prefix: _prefix));

    private AzureBlobTarget Azure(string connectionString) =>
        new("azure", AzureBlobTargetTests.Options(_container.Name, connectionString: connectionString));

    private static string AzuriteVia(FaultProxy proxy) =>
        System.Text.RegularExpressions.Regex.Replace(TestServices.AzuriteConnectionString,
            @"BlobEndpoint=http://[^/;]+", $"BlobEndpoint={proxy.Url}");
}
