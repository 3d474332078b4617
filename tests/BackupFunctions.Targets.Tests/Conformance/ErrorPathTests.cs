using BackupFunctions.Targets.AzureBlob;
using BackupFunctions.Targets.S3;
using BackupFunctions.Targets.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>Misconfigured and unreachable targets, against the real services.</summary>
public sealed class ErrorPathTests
{
    private const string Unreachable = "http://127.0.0.1:1";
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task Missing_bucket_is_a_configuration_error_that_names_target_and_bucket()
    {
        using var target = new S3Target("offsite", S3TargetTests.Options(bucket: "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]));
        var bucket = "no-such-bucket-";

        var put = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.PutAsync("x", new MemoryStream([1, 2])));
        var multipart = await Assert.ThrowsAsync<TargetConfigurationException>(() =>
            target.PutAsync("x", new PipeLikeStream(TestData.Bytes(6 * TestData.MiB))));
        var list = await Assert.ThrowsAsync<TargetConfigurationException>(async () => await target.ListAsync("").ToListAsync());
        var read = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.OpenReadAsync("x"));
        var stat = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.StatAsync("x"));

        foreach (var ex in new[] { put, multipart, list, read, stat })
        {
            Assert.False(ex.IsTransient);
            Assert.Equal("offsite", ex.TargetName);
            Assert.Contains("'offsite'", ex.Message);
            Assert.Contains(bucket, ex.Message);
            Assert.Contains("does not exist", ex.Message);
        }
    }

    [Fact]
    public async Task Missing_container_is_a_configuration_error_that_names_target_and_container()
    {
        var container = "missing-" + Guid.NewGuid().ToString("N");
        var target = new AzureBlobTarget("cloud", AzureBlobTargetTests.Options(container));

        var put = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.PutAsync("x", new MemoryStream([1, 2])));
        var multipart = await Assert.ThrowsAsync<TargetConfigurationException>(() =>
            target.PutAsync("x", new PipeLikeStream(TestData.Bytes(6 * TestData.MiB))));
        var list = await Assert.ThrowsAsync<TargetConfigurationException>(async () => await target.ListAsync("").ToListAsync());
        var read = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.OpenReadAsync("x"));
        var stat = await Assert.ThrowsAsync<TargetConfigurationException>(() => target.StatAsync("x"));

        foreach (var ex in new[] { put, multipart, list, read, stat })
        {
            Assert.False(ex.IsTransient);
            Assert.Contains("'cloud'", ex.Message);
            Assert.Contains(container, ex.Message);
            Assert.DoesNotContain(AzuriteKey, ex.Message);
        }
    }

    [Fact]
    public async Task Unreachable_s3_endpoint_is_transient_and_does_not_leak_the_secret()
    {
        using var target = new S3Target("s3-down", S3TargetTests.Options(serviceUrl: Unreachable) with { SecretKey = "TOP-SECRET-VALUE" });

        var put = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.PutAsync("x", new MemoryStream([1])));
        var stat = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.StatAsync("x"));
        var read = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.OpenReadAsync("x"));

        foreach (var ex in new[] { put, stat, read })
        {
            Assert.True(ex.IsTransient);
            Assert.Contains("'s3-down'", ex.Message);
            Assert.Contains(Unreachable, ex.Message);
            Assert.DoesNotContain("TOP-SECRET-VALUE", ex.ToString());
        }
    }

    [Fact]
    public async Task Unreachable_azure_endpoint_is_transient_and_does_not_leak_the_key()
    {
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint={Unreachable}/devstoreaccount1;";
        var target = new AzureBlobTarget("az-down", AzureBlobTargetTests.Options("c", connectionString: connection));

        var put = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.PutAsync("x", new MemoryStream([1])));
        var stat = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.StatAsync("x"));

        foreach (var ex in new[] { put, stat })
        {
            Assert.True(ex.IsTransient);
            Assert.Contains("'az-down'", ex.Message);
            Assert.DoesNotContain(AzuriteKey, ex.Message);
        }
    }

    [Fact]
    public async Task Retries_of_an_unreachable_endpoint_end_in_the_transient_error()
    {
        var target = BackupTargetFactory.Create(new TargetOptions
        {
            Name = "s3-down",
            Type = "s3",
            ServiceUrl = Unreachable,
            Bucket = "backups",
            AccessKey = "a",
            SecretKey = "b",
            Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) },
        });

        var ex = await Assert.ThrowsAsync<TargetUnavailableException>(() => target.StatAsync("x"));

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void Malformed_connection_string_is_a_configuration_error_without_the_string()
    {
        var ex = Assert.Throws<TargetConfigurationException>(() =>
            new AzureBlobTarget("az", AzureBlobTargetTests.Options("c", connectionString: "AccountKey=SECRETSECRET;garbage")));

        Assert.Contains("'az'", ex.Message);
        Assert.DoesNotContain("SECRETSECRET", ex.ToString());
    }
}
