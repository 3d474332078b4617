using BackupFunctions.Targets.S3;
using BackupFunctions.Testing;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>Against s3rver on loopback, in the pre-created "backups" bucket, under a fresh prefix per test.</summary>
public sealed class S3TargetTests : TargetConformanceTests
{
    public const string Bucket = "backups";
    private readonly string _prefix = "conformance/" + Guid.NewGuid().ToString("N");
    private S3Target? _target;

    public static S3TargetOptions Options(string bucket = Bucket, string prefix = "", string? serviceUrl = null) => new()
    {
        ServiceUrl = serviceUrl ?? TestServices.S3ServiceUrl,
        Region = TestServices.S3Region,
        Bucket = bucket,
        Prefix = prefix,
        AccessKey = TestServices.S3AccessKey,
        SecretKey = TestServices.S3SecretKey,
        PartSize = PartSize,
        ListPageSize = 2,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    protected override Task<IBackupTarget> CreateTargetAsync()
    {
        _target = new S3Target("s3", Options(prefix: _prefix));
        return Task.FromResult<IBackupTarget>(_target);
    }

    protected override async Task DisposeTargetAsync()
    {
        if (_target is null) return;
        await foreach (var item in _target.ListAsync("")) await _target.DeleteAsync(item.Key);
        _target.Dispose();
    }

    /// <summary>
    /// s3rver ignores If-None-Match on writes (the HEAD before the put is what refuses a taken key there, which the
    /// conformance tests prove); AWS S3, R2 and MinIO enforce it at the commit. So check that it is on the wire.
    /// </summary>
    [Fact]
    public async Task Puts_ask_first_and_send_if_none_match_on_put_object_and_complete_multipart_upload()
    {
        await using var proxy = new FaultProxy(new Uri(TestServices.S3ServiceUrl)) { RecordRequestHeads = true };
        using var viaProxy = new S3Target("s3", Options(prefix: _prefix, serviceUrl: proxy.Url));

        await viaProxy.PutAsync("small", new MemoryStream(Support.TestData.Bytes(1000)));
        await viaProxy.PutAsync("large", new MemoryStream(Support.TestData.Bytes(12 * Support.TestData.MiB)));

        var heads = proxy.RequestHeads.ToList();
        int Index(string method, string key, Func<string, bool> line) => heads.FindIndex(h =>
            h.StartsWith($"{method} /{Bucket}/{_prefix}/{key}", StringComparison.Ordinal)
            && h[$"{method} /{Bucket}/{_prefix}/{key}".Length] is ' ' or '?'
            && line(h[..h.IndexOf('\r')]));
        const string conditional = "If-None-Match: *\r\n";
        var putSmall = Index("PUT", "small", _ => true);
        var start = Index("POST", "large", l => l.Contains("?uploads", StringComparison.Ordinal));
        var complete = Index("POST", "large", l => l.Contains("uploadId=", StringComparison.Ordinal));
        Assert.True(putSmall >= 0 && start >= 0 && complete >= 0, string.Join("\n", heads.Select(h => h[..h.IndexOf('\r')])));
        Assert.Contains(conditional, heads[putSmall], StringComparison.OrdinalIgnoreCase);
        Assert.Contains(conditional, heads[complete], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, heads.Count(h => h.StartsWith("PUT ", StringComparison.Ordinal) && h[..h.IndexOf('\r')].Contains("partNumber=", StringComparison.Ordinal)));
        // The existence check (for stores that ignore the header) comes first, before any byte is sent.
        Assert.InRange(Index("HEAD", "small", _ => true), 0, putSmall - 1);
        Assert.InRange(Index("HEAD", "large", _ => true), 0, start - 1);
    }

    [Fact]
    public void Checksum_mode_defaults_to_when_required_for_non_aws_endpoints()
    {
        Assert.Equal(S3ChecksumMode.WhenRequired, Options().EffectiveChecksumMode);
        Assert.Equal(S3ChecksumMode.WhenSupported, (Options() with { ServiceUrl = null }).EffectiveChecksumMode);
        Assert.Equal(S3ChecksumMode.WhenSupported, (Options() with { ChecksumMode = S3ChecksumMode.WhenSupported }).EffectiveChecksumMode);
    }
}
