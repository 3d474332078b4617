using System.Security.Cryptography;
using Azure.Storage.Blobs;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>
/// Settings for one test with three real targets of its own: a temp directory, a fresh prefix in the
/// s3rver bucket "backups", and a fresh Azurite container; plus a temp key file and staging
/// directory. Everything is removed on dispose.
/// </summary>
public sealed class ThreeTargets : IAsyncDisposable
{
    public const string Local = "local";
    public const string S3 = "s3";
    public const string Azure = "azure";
    public const string Bucket = "backups";
    public const string KeyId = "test-key";

    private ThreeTargets(string root, string database)
    {
        Root = root;
        Prefix = "wf-" + Guid.NewGuid().ToString("N")[..12];
        Container = "wf-" + Guid.NewGuid().ToString("N");
        KeyFilePath = Path.Combine(root, "kek.json");
        Options = new BackupFunctionsOptions
        {
            Source = new SourceOptions { ConnectionString = TestServices.PgConnectionString(database), PgBinDirectory = TestServices.PgBin },
            Keys = new KeyOptions { KeyFile = KeyFilePath },
            StagingDirectory = Path.Combine(root, "staging"),
            Targets = [LocalOptions(Path.Combine(root, "local")), S3Options(Prefix), AzureOptions(Container)],
        };
    }

    public string Root { get; }

    public string Prefix { get; }

    public string Container { get; }

    public string KeyFilePath { get; }

    public BackupFunctionsOptions Options { get; }

    public string LocalPath => Path.Combine(Root, "local");

    public static async Task<ThreeTargets> CreateAsync(string database)
    {
        var root = Directory.CreateTempSubdirectory("bf-wf-").FullName;
        var set = new ThreeTargets(root, database);
        KeyFile.Generate(set.KeyFilePath, KeyId, current: true);
        TestSecrets.RegisterKeyFile(set.KeyFilePath);
        // The bucket is shared (each test has its own prefix) and may not exist on a fresh machine; the container is this test's.
        foreach (var options in set.Options.Targets.Where(t => t.Type != TargetOptions.FileSystemType))
        {
            var backend = BackupTargetFactory.CreateBackend(options);
            await ((IProvisionableTarget)backend).EnsureExistsAsync();
            (backend as IDisposable)?.Dispose();
        }

        return set;
    }

    /// <summary>An environment over these settings (with the key file's ring unless <paramref name="keys"/> is given).</summary>
    public BackupEnvironment Environment(KeyRing? keys = null, BackupFunctionsOptions? options = null) =>
        new(options ?? Options, keys: keys);

    /// <summary>A copy of the settings with the target named <paramref name="name"/> replaced.</summary>
    public BackupFunctionsOptions WithTarget(string name, Action<TargetOptions> change)
    {
        var targets = Options.Targets.Select(Clone).ToList();
        change(targets.Single(t => t.Name == name));
        return new BackupFunctionsOptions
        {
            Source = Options.Source,
            Keys = Options.Keys,
            StagingDirectory = Options.StagingDirectory,
            Targets = targets,
        };
    }

    public static TargetOptions LocalOptions(string path) => new() { Name = Local, Type = TargetOptions.FileSystemType, Path = path };

    public static TargetOptions S3Options(string prefix) => new()
    {
        Name = S3,
        Type = TargetOptions.S3Type,
        ServiceUrl = TestServices.S3ServiceUrl,
        Region = TestServices.S3Region,
        Bucket = Bucket,
        Prefix = prefix,
        AccessKey = TestServices.S3AccessKey,
        SecretKey = TestServices.S3SecretKey,
        ForcePathStyle = true,
        Retry = FastRetry(),
    };

    public static TargetOptions AzureOptions(string container) => new()
    {
        Name = Azure,
        Type = TargetOptions.AzureBlobType,
        ConnectionString = TestServices.AzuriteConnectionString,
        Container = container,
        Retry = FastRetry(),
    };

    /// <summary>Retries stay on (they are part of what is tested) but with short backoffs, so dead endpoints fail in well under a second.</summary>
    public static RetryOptions FastRetry() => new() { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50) };

    /// <summary>Key → SHA-256 of every object in every target (the test's prefix/container only).</summary>
    public async Task<SortedDictionary<string, string>> SnapshotAsync()
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var env = Environment();
        foreach (var target in env.Targets)
        {
            await foreach (var obj in target.ListAsync(""))
            {
                await using var stream = await target.OpenReadAsync(obj.Key);
                snapshot[$"{target.Name}:{obj.Key}"] = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
            }
        }

        return snapshot;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Before anything is deleted: the data keys of the backups made here join the secrets ledger the log scan reads.
            await TestSecrets.RegisterDataKeysUnderAsync(Root, KeyFilePath);
            await new BlobContainerClient(TestServices.AzuriteConnectionString, Container).DeleteIfExistsAsync();
            var s3 = BackupTargetFactory.Create(S3Options(Prefix));
            var keys = new List<string>();
            await foreach (var obj in s3.ListAsync("")) keys.Add(obj.Key);
            foreach (var key in keys) await s3.DeleteAsync(key);
        }
        finally
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static TargetOptions Clone(TargetOptions t) => new()
    {
        Name = t.Name, Type = t.Type, Path = t.Path, CreateIfMissing = t.CreateIfMissing, ServiceUrl = t.ServiceUrl, Region = t.Region,
        Bucket = t.Bucket, ForcePathStyle = t.ForcePathStyle, AccessKey = t.AccessKey, SecretKey = t.SecretKey, ConnectionString = t.ConnectionString,
        Container = t.Container, Prefix = t.Prefix, Retry = t.Retry, ConnectTimeout = t.ConnectTimeout, RequestTimeout = t.RequestTimeout,
    };
}
