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

    [Fact]
    public void Checksum_mode_defaults_to_when_required_for_non_aws_endpoints()
    {
        Assert.Equal(S3ChecksumMode.WhenRequired, Options().EffectiveChecksumMode);
        Assert.Equal(S3ChecksumMode.WhenSupported, (Options() with { ServiceUrl = null }).EffectiveChecksumMode);
        Assert.Equal(S3ChecksumMode.WhenSupported, (Options() with { ChecksumMode = S3ChecksumMode.WhenSupported }).EffectiveChecksumMode);
    }
}
