using Azure.Storage.Blobs;
using BackupFunctions.Targets.AzureBlob;
using BackupFunctions.Testing;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>Against Azurite on loopback, in a fresh container per test that deletes itself.</summary>
public sealed class AzureBlobTargetTests : TargetConformanceTests
{
    private readonly BlobContainerClient _container =
        new(TestServices.AzuriteConnectionString, "conf-" + Guid.NewGuid().ToString("N"));

    public static AzureBlobTargetOptions Options(string container, string prefix = "", string? connectionString = null) => new()
    {
        ConnectionString = connectionString ?? TestServices.AzuriteConnectionString,
        Container = container,
        Prefix = prefix,
        BlockSize = PartSize,
        ListPageSize = 2,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    protected override async Task<IBackupTarget> CreateTargetAsync()
    {
        await _container.CreateAsync();
        // A prefix too, so prefix handling is exercised on this backend as well.
        return new AzureBlobTarget("azure", Options(_container.Name, prefix: "pre/fix"));
    }

    protected override Task DisposeTargetAsync() => _container.DeleteIfExistsAsync();

    [Fact]
    public Task A_block_list_commit_overtaken_by_another_put_is_refused_by_if_none_match() =>
        AssertAPutOvertakenByAnotherIsRefusedAtTheEnd(12 * Support.TestData.MiB);

    [Fact]
    public Task A_single_request_put_overtaken_by_another_put_is_refused_by_if_none_match() =>
        AssertAPutOvertakenByAnotherIsRefusedAtTheEnd(100_000);

    [Fact]
    public async Task Prefix_keeps_objects_inside_it()
    {
        await Target.PutAsync("k", new MemoryStream([1, 2, 3]));

        var names = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync()) names.Add(blob.Name);
        Assert.Equal(["pre/fix/k"], names);
    }
}
