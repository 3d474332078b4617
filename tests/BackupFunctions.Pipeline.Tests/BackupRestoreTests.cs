using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

[Collection(SampleDatabaseCollection.Name)]
public sealed class BackupRestoreTests(SampleDatabaseFixture sample, ITestOutputHelper output) : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("backup-key", 42), makeCurrent: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-pipeline-").FullName;

    private async Task<(BackupResult Result, string Path)> BackupAsync(CompressionKind compression)
    {
        var path = Path.Combine(_dir, $"artifact-{compression}.bfa");
        await using var file = File.Create(path);
        var result = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(sample.Name), file,
            new BackupOptions(new ArtifactEncodeOptions(Ring.Current) { Compression = compression }));
        output.WriteLine($"{compression}: {result.RawBytes / 1e6:F1} MB plain → {result.CompressedBytes / 1e6:F1} MB compressed → {result.StoredBytes / 1e6:F1} MB stored " +
                         $"in {result.Duration.TotalSeconds:F2} s = {result.ThroughputMBps:F0} MB/s (incl. connect, version probe and row counts)");
        return (result, path);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task RoundTripKeepsSchemaAndRowCounts(CompressionKind compression)
    {
        var (result, path) = await BackupAsync(compression);
        Assert.Equal(new FileInfo(path).Length, result.StoredBytes);
        Assert.Equal("backup-key", result.KeyId);
        Assert.Equal(compression, result.Compression);
        Assert.StartsWith("pg_dump (PostgreSQL) ", result.PgDumpVersion);
        Assert.Equal(15, result.ServerVersion.Major);
        Assert.True(result.RawBytes > 5_000_000, $"{result.RawBytes}");
        Assert.True(result.CompressedBytes < result.RawBytes / 2);
        var counts = result.RowCounts!;
        Assert.Equal(80000, counts["sales.order_items"]);
        Assert.Equal(20000, counts["inventory.StockMovements"]);
        Assert.Equal(10, counts.Count);

        await using var target = await TempDatabase.CreateAsync("restored");
        await using (var artifact = File.OpenRead(path))
        {
            var restored = await new RestorePipeline(Pg.Runner()).RunAsync(artifact, Ring, Pg.Connection(target.Name),
                new RestoreOptions { ExpectedStoredSha256 = result.StoredSha256, ExpectedPlainSha256 = result.PlainSha256 });
            output.WriteLine($"restore: {restored.PlainBytes / 1e6:F1} MB plain in {restored.Duration.TotalSeconds:F2} s = {restored.PlainBytes / 1e6 / restored.Duration.TotalSeconds:F0} MB/s");
            Assert.Equal(result.PlainSha256, restored.PlainSha256);
            Assert.Equal(result.RawBytes, restored.PlainBytes);
        }

        Assert.Equal(await Pg.SchemaAsync(sample.Name), await Pg.SchemaAsync(target.Name));
        var mismatches = await RowCountComparer.CompareWithDatabaseAsync(counts, new DatabaseInspector(Pg.Connection(target.Name)));
        Assert.Empty(mismatches);
        Assert.Equal(100000 + 24000, await target.ScalarAsync<long>("SELECT nextval('sales.invoice_number_seq')"));
    }

    [Fact]
    public async Task ARestoreOfAFlippedArtifactFailsAndLeavesTheTargetEmpty()
    {
        var (result, path) = await BackupAsync(CompressionKind.Zstd);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await using var target = await TempDatabase.CreateAsync("corrupt");
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner()).RunAsync(
            new MemoryStream(bytes), Ring, Pg.Connection(target.Name), new RestoreOptions { ExpectedStoredSha256 = result.StoredSha256 }));
        output.WriteLine(e.Message);
        // pg_restore was killed inside its single transaction: nothing of the backup is in the target.
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname IN ('sales', 'auth', 'inventory')"));
    }

    [Fact]
    public async Task ATruncatedArtifactDoesNotRestoreEvenWithoutAnExpectedHash()
    {
        var (_, path) = await BackupAsync(CompressionKind.Zstd);
        var bytes = await File.ReadAllBytesAsync(path);
        await using var target = await TempDatabase.CreateAsync("trunc");
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner()).RunAsync(
            new MemoryStream(bytes[..^1000]), Ring, Pg.Connection(target.Name), new RestoreOptions()));
        output.WriteLine(e.Message);
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname IN ('sales', 'auth', 'inventory')"));
    }

    [Fact]
    public async Task VerifyAcceptsTheArtifactAndRejectsAFlippedOne()
    {
        var (result, path) = await BackupAsync(CompressionKind.Zstd);
        var bytes = await File.ReadAllBytesAsync(path);
        var ok = await ArtifactDecoder.VerifyAsync(new MemoryStream(bytes), Ring, result.StoredSha256, result.PlainSha256);
        Assert.True(ok.IsPgDumpArchive);
        Assert.Equal(result.RawBytes, ok.PlainBytes);
        Assert.Equal(result.CompressedBytes, ok.CompressedBytes);

        bytes[^5] ^= 0x80;
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => ArtifactDecoder.VerifyAsync(new MemoryStream(bytes), Ring, result.StoredSha256));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => ArtifactDecoder.VerifyAsync(new MemoryStream(bytes), Ring));
    }

    [Fact]
    public async Task AManifestBuiltFromTheResultRoundTripsThroughJson()
    {
        var (result, _) = await BackupAsync(CompressionKind.Zstd);
        var id = ObjectKeys.NewBackupId(result.StartedAt);
        var keys = ObjectKeys.For(sample.Name, result.StartedAt, id);
        var manifest = new BackupManifest
        {
            BackupId = id, Kind = BackupKind.Full, Database = sample.Name, ServerVersion = result.ServerVersion.Text,
            ServerVersionNum = result.ServerVersion.Number, PgDumpVersion = result.PgDumpVersion, CreatedAt = result.StartedAt,
            CompletedAt = result.CompletedAt, RawBytes = result.RawBytes, CompressedBytes = result.CompressedBytes, StoredBytes = result.StoredBytes,
            StoredSha256 = result.StoredSha256, PlainSha256 = result.PlainSha256, Compression = result.Compression, CompressionLevel = result.CompressionLevel,
            KeyId = result.KeyId, ChunkSize = result.ChunkSize, RowCounts = result.RowCounts!, ArtifactKey = keys.Artifact,
            Copies = [new TargetCopy("local", keys.Artifact, true, result.CompletedAt)],
        };
        var json = ManifestSerializer.Serialize(manifest);
        var back = ManifestSerializer.Deserialize(json);
        Assert.Equal(json, ManifestSerializer.Serialize(back));
        Assert.Equal(result.RowCounts, back.RowCounts);
        Assert.Contains("\"kind\": \"full\"", json);
    }

    [Fact]
    public async Task InspectorListsSchemasTablesAndVersion()
    {
        var inspector = new DatabaseInspector(Pg.Connection(sample.Name));
        await inspector.CanConnectAsync();
        Assert.Equal(["auth", "inventory", "public", "sales"], await inspector.ListSchemasAsync());
        var tables = await inspector.ListTablesAsync();
        Assert.Contains(new TableName("inventory", "StockMovements"), tables);
        Assert.Equal("\"inventory\".\"StockMovements\"", tables.Single(t => t.Name == "StockMovements").Quoted);
        var version = await inspector.GetServerVersionAsync();
        Assert.Equal(15, version.Major);
        Assert.StartsWith("15.", version.Text);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
