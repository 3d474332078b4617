using Azure.Storage.Blobs;
using BackupFunctions.Targets.AzureBlob;
using BackupFunctions.Targets.S3;
using BackupFunctions.Testing;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>
/// Immutability on new uploads, checked on the wire: neither s3rver (no Object Lock) nor Azurite (no immutability
/// policies) enforces it, so the tests read the request heads the real SDKs send through <see cref="FaultProxy"/>, as
/// AWS S3 or B2 and Azure Storage would receive them, and that a lock the store reports comes back from Stat.
/// </summary>
public sealed class ImmutabilityRequestTests : IAsyncLifetime
{
    private readonly string _prefix = "immutable/" + Guid.NewGuid().ToString("N");
    private readonly BlobContainerClient _container = new(TestServices.AzuriteConnectionString, "immutable-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => _container.CreateAsync();

    public async Task DisposeAsync()
    {
        await _container.DeleteIfExistsAsync();
        using var direct = new S3Target("s3", S3TargetTests.Options(prefix: _prefix));
        await foreach (var item in direct.ListAsync("")) await direct.DeleteAsync(item.Key);
    }

    private static string Head(IReadOnlyList<string> heads, Func<string, bool> firstLine) =>
        heads.FirstOrDefault(h => firstLine(h[..h.IndexOf('\r')]))
        ?? throw new Xunit.Sdk.XunitException("No such request; saw:\n" + string.Join("\n", heads.Select(h => h[..h.IndexOf('\r')])));

    private static DateTime HeaderDate(string head, string name)
    {
        var line = head.Split("\r\n").Single(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        return DateTime.Parse(line[(name.Length + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
    }

    [Theory]
    [InlineData(false, "GOVERNANCE")]
    [InlineData(true, "COMPLIANCE")]
    public async Task S3_puts_and_multipart_starts_carry_the_object_lock_mode_and_retain_until_date(bool compliance, string mode)
    {
        await using var proxy = new FaultProxy(new Uri(TestServices.S3ServiceUrl)) { RecordRequestHeads = true };
        using var target = new S3Target("s3", S3TargetTests.Options(prefix: _prefix, serviceUrl: proxy.Url) with { ObjectLock = new S3ObjectLock(TimeSpan.FromDays(30), compliance) });
        var before = DateTime.UtcNow;

        await target.PutAsync("small", new MemoryStream(Support.TestData.Bytes(1000)));
        await target.PutAsync("large", new MemoryStream(Support.TestData.Bytes(12 * Support.TestData.MiB)));

        var heads = proxy.RequestHeads.ToList();
        var put = Head(heads, l => l.StartsWith($"PUT /{S3TargetTests.Bucket}/{_prefix}/small ", StringComparison.Ordinal));
        var start = Head(heads, l => l.StartsWith($"POST /{S3TargetTests.Bucket}/{_prefix}/large?uploads", StringComparison.Ordinal));
        foreach (var head in new[] { put, start })
        {
            Assert.Contains($"x-amz-object-lock-mode: {mode}\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.InRange(HeaderDate(head, "x-amz-object-lock-retain-until-date"), before.AddDays(30).AddSeconds(-1), DateTime.UtcNow.AddDays(30).AddSeconds(1));
        }

        // Object Lock needs Content-MD5 (or a checksum) on every put and part: they carry it.
        Assert.Contains("Content-MD5:", put, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task S3_puts_without_the_setting_send_no_object_lock_headers()
    {
        await using var proxy = new FaultProxy(new Uri(TestServices.S3ServiceUrl)) { RecordRequestHeads = true };
        using var target = new S3Target("s3", S3TargetTests.Options(prefix: _prefix, serviceUrl: proxy.Url));

        await target.PutAsync("plain", new MemoryStream(Support.TestData.Bytes(1000)));

        Assert.DoesNotContain(proxy.RequestHeads, h => h.Contains("x-amz-object-lock", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Azure_uploads_carry_a_version_level_immutability_policy_in_unlocked_mode()
    {
        await using var proxy = new FaultProxy(_container.Uri) { RecordRequestHeads = true };
        var viaProxy = System.Text.RegularExpressions.Regex.Replace(TestServices.AzuriteConnectionString, @"BlobEndpoint=http://[^/;]+", $"BlobEndpoint={proxy.Url}");
        var target = new AzureBlobTarget("azure", AzureBlobTargetTests.Options(_container.Name, connectionString: viaProxy) with { Immutability = new AzureImmutability(TimeSpan.FromDays(7)) });
        var before = DateTime.UtcNow;

        // Azurite does not implement immutability policies; whether it accepts or refuses the upload, the request is what Azure would get.
        try
        {
            await target.PutAsync("small", new MemoryStream(Support.TestData.Bytes(1000)));
        }
        catch (TargetException)
        {
        }

        var put = Head(proxy.RequestHeads.ToList(), l => l.StartsWith("PUT /", StringComparison.Ordinal) && l.Contains("/small", StringComparison.Ordinal));
        Assert.Contains("x-ms-immutability-policy-mode: Unlocked\r\n", put, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(HeaderDate(put, "x-ms-immutability-policy-until-date"), before.AddDays(7).AddSeconds(-1), DateTime.UtcNow.AddDays(7).AddSeconds(1));
    }

    [Fact]
    public void The_target_settings_build_the_lock_and_refuse_what_cannot_work()
    {
        var s3 = new TargetOptions { Name = "b2", Type = "s3", Bucket = "b", ImmutableDays = 30, ObjectLockMode = "compliance" };
        var local = new TargetOptions { Name = "local", Type = "filesystem", Path = "/tmp/x", ImmutableDays = 30 };
        var bad = new TargetOptions { Name = "s3", Type = "s3", Bucket = "b", ImmutableDays = 0, ObjectLockMode = "strict" };

        Assert.Empty(s3.Validate());
        Assert.Contains(local.Validate(), p => p.Contains("ImmutableDays is supported only by s3 and azureblob"));
        Assert.Contains(bad.Validate(), p => p.Contains("ImmutableDays must be between 1 and 36500"));
        Assert.Contains(bad.Validate(), p => p.Contains("ObjectLockMode 'strict' is not known"));
    }
}
