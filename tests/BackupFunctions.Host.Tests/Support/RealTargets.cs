using Azure.Storage.Blobs;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// Product settings for one end-to-end test: the source database, a key file, a staging directory and three real
/// targets of its own (a temp directory, a fresh prefix in s3rver's "backups" bucket, a fresh Azurite container).
/// Pass <see cref="Options"/> to <c>HostSettings.For(...).WithOptions(...)</c>. Removed on dispose.
/// </summary>
public sealed class RealTargets : IAsyncDisposable
{
    public const string Local = "local";
    public const string S3 = "s3";
    public const string Azure = "azure";

    private RealTargets(string root, string sourceDatabase)
    {
        Root = root;
        Prefix = "host-" + Guid.NewGuid().ToString("N")[..12];
        Container = "host-" + Guid.NewGuid().ToString("N");
        var fast = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50) };
        Options = new BackupFunctionsOptions
        {
            Source = new SourceOptions { ConnectionString = TestServices.PgConnectionString(sourceDatabase), PgBinDirectory = TestServices.PgBin },
            Keys = new KeyOptions { KeyFile = Path.Combine(root, "kek.json") },
            StagingDirectory = Path.Combine(root, "staging"),
            Targets =
            [
                new TargetOptions { Name = Local, Type = TargetOptions.FileSystemType, Path = Path.Combine(root, "local") },
                new TargetOptions
                {
                    Name = S3, Type = TargetOptions.S3Type, ServiceUrl = TestServices.S3ServiceUrl, Region = TestServices.S3Region,
                    Bucket = "backups", Prefix = Prefix, AccessKey = TestServices.S3AccessKey, SecretKey = TestServices.S3SecretKey,
                    ForcePathStyle = true, Retry = fast,
                },
                new TargetOptions
                {
                    Name = Azure, Type = TargetOptions.AzureBlobType, ConnectionString = TestServices.AzuriteConnectionString,
                    Container = Container, Retry = fast,
                },
            ],
        };
    }

    public string Root { get; }

    public string Prefix { get; }

    public string Container { get; }

    public BackupFunctionsOptions Options { get; }

    /// <summary>
    /// Targets for tenant backups exported through <paramref name="tenantRoleConnectionString"/> (a role RLS applies to),
    /// with short retries (<paramref name="attempts"/> per step, two per upload) so a failing run ends quickly.
    /// </summary>
    public static async Task<RealTargets> ForTenantExportAsync(string sourceDatabase, string tenantRoleConnectionString, int attempts)
    {
        var set = await CreateAsync(sourceDatabase);
        set.Options.Tenants = new TenantOptions { ConnectionString = tenantRoleConnectionString };
        set.Options.Retries = new WorkflowRetryOptions
        {
            Attempts = attempts, FirstInterval = TimeSpan.FromMilliseconds(200),
            UploadAttempts = 2, UploadFirstInterval = TimeSpan.FromMilliseconds(200),
        };
        return set;
    }

    public static async Task<RealTargets> CreateAsync(string sourceDatabase)
    {
        var set = new RealTargets(Directory.CreateTempSubdirectory("bf-host-e2e-").FullName, sourceDatabase);
        KeyFile.Generate(set.Options.Keys.KeyFile!, "test-key", current: true);
        TestSecrets.RegisterKeyFile(set.Options.Keys.KeyFile!);
        // Backups never create buckets or containers (an operator does, with 'backupctl targets init').
        foreach (var options in set.Options.Targets.Where(t => t.Type != TargetOptions.FileSystemType))
        {
            var backend = BackupTargetFactory.CreateBackend(options);
            await ((IProvisionableTarget)backend).EnsureExistsAsync();
            (backend as IDisposable)?.Dispose();
        }

        return set;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Before anything is deleted: the data keys of the backups made here join the secrets ledger the log scan reads.
            await TestSecrets.RegisterDataKeysUnderAsync(Root, Options.Keys.KeyFile!);
            await new BlobContainerClient(TestServices.AzuriteConnectionString, Container).DeleteIfExistsAsync();
            var s3 = BackupTargetFactory.Create(Options.Targets.Single(t => t.Name == S3));
            var keys = new List<string>();
            await foreach (var obj in s3.ListAsync(""))
            {
                keys.Add(obj.Key);
            }

            foreach (var key in keys)
            {
                await s3.DeleteAsync(key);
            }
        }
        finally
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
