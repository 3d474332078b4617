using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>
/// How the catalog reader treats manifests across real filesystem targets: a bad manifest in one
/// target is reported and skipped while another target's good one is used; signed manifests win over
/// unsigned ones; "latest" never lands on an unsigned backup once signed ones exist.
/// </summary>
public sealed class TargetCatalogReaderTests : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(new KeyEncryptionKey("cat-key", Enumerable.Repeat((byte)3, 32).ToArray()), makeCurrent: true);
    private readonly string _root = Directory.CreateTempSubdirectory("bf-catalog-").FullName;
    private readonly IBackupTarget _a;
    private readonly IBackupTarget _b;

    public TargetCatalogReaderTests()
    {
        _a = BackupTargetFactory.Create(new TargetOptions { Name = "a", Type = "filesystem", Path = Path.Combine(_root, "a") });
        _b = BackupTargetFactory.Create(new TargetOptions { Name = "b", Type = "filesystem", Path = Path.Combine(_root, "b") });
    }

    private static BackupManifest Manifest(string id, DateTimeOffset createdAt, int formatVersion = 2)
    {
        var keys = ObjectKeys.For("shop", createdAt, id);
        return new BackupManifest
        {
            ManifestVersion = formatVersion == 1 ? 1 : BackupManifest.CurrentManifestVersion,
            BackupId = id, Kind = BackupKind.Full, Database = "shop", CreatedAt = createdAt,
            StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "cat-key", FormatVersion = formatVersion,
            RowCounts = new Dictionary<string, long> { ["public.t"] = 5 },
            ArtifactKey = keys.Artifact,
            Copies = [new TargetCopy("a", keys.Artifact, true), new TargetCopy("b", keys.Artifact, true)],
        };
    }

    private static async Task PutAsync(IBackupTarget target, BackupManifest manifest, byte[]? bytes = null) =>
        await target.PutAsync(ObjectKeys.For(manifest).Manifest, new MemoryStream(bytes ?? ManifestSigner.SignToUtf8Bytes(manifest, Ring)));

    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_malformed_manifest_in_one_target_is_reported_and_the_other_targets_copy_is_used()
    {
        var m = Manifest("20261130T020000Z-00000001", Monday);
        await PutAsync(_a, m, """{"manifestVersion": 2, "backupId": "20261130T020000Z-00000001", "rowCounts": null}"""u8.ToArray());
        await PutAsync(_b, m);

        var catalog = await TargetCatalogReader.ReadAsync([_a, _b], Ring);

        var entry = catalog.Resolve("latest");
        Assert.Equal(m.BackupId, entry.BackupId);
        Assert.Equal(["b"], entry.FoundIn);
        Assert.True(entry.Signed);
        var invalid = Assert.Single(catalog.Invalid);
        Assert.Equal(("a", m.BackupId, false), (invalid.Target, invalid.BackupId, invalid.Forged));
        Assert.Contains(catalog.Warnings, w => w.Contains("'a'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unsigned_manifest_beside_a_signed_one_is_refused_and_the_signed_one_wins_even_with_fewer_verified_copies()
    {
        var signed = Manifest("20261130T020000Z-00000002", Monday);
        var unsigned = Manifest("20261130T020000Z-00000002", Monday, formatVersion: 1) with { RowCounts = new Dictionary<string, long> { ["public.t"] = 999 } };
        await PutAsync(_a, signed with { Copies = [signed.Copies[0]] });
        await PutAsync(_b, unsigned, ManifestSerializer.SerializeToUtf8Bytes(unsigned));

        var catalog = await TargetCatalogReader.ReadAsync([_a, _b], Ring);

        var entry = Assert.Single(catalog.Entries);
        Assert.True(entry.Signed);
        Assert.Equal(5, entry.Manifest.RowCounts["public.t"]);
        var invalid = Assert.Single(catalog.Invalid);
        Assert.Equal("b", invalid.Target);
        Assert.True(invalid.Forged);
    }

    [Fact]
    public async Task Latest_is_the_newest_signed_backup_not_a_newer_unsigned_one()
    {
        var old = Manifest("20261130T020000Z-00000003", Monday);
        var dropped = Manifest("20261201T020000Z-00000004", Monday.AddDays(1), formatVersion: 1);
        await PutAsync(_a, old);
        await PutAsync(_a, dropped, ManifestSerializer.SerializeToUtf8Bytes(dropped));

        var catalog = await TargetCatalogReader.ReadAsync([_a], Ring);

        Assert.Equal(2, catalog.Entries.Count);
        Assert.Equal(old.BackupId, catalog.Resolve("latest").BackupId);
        Assert.False(catalog.Resolve(dropped.BackupId).Signed);

        // With no signed backup at all (a store written only before signing), the newest unsigned one is latest.
        var legacy = await TargetCatalogReader.ReadAsync([_a], new KeyRing().Add(new KeyEncryptionKey("cat-key", new byte[32]), makeCurrent: true));
        Assert.Equal(dropped.BackupId, legacy.Resolve("latest").BackupId);
    }

    [Fact]
    public async Task An_id_whose_only_manifests_were_refused_is_a_ManifestRejectedException_not_not_found()
    {
        var m = Manifest("20261130T020000Z-00000005", Monday);
        var forged = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(ManifestSigner.SignToUtf8Bytes(m, Ring))
            .Replace("\"public.t\": 5", "\"public.t\": 6", StringComparison.Ordinal));
        await PutAsync(_a, m, forged);

        var catalog = await TargetCatalogReader.ReadAsync([_a], Ring);

        Assert.Empty(catalog.Entries);
        var e = Assert.Throws<ManifestRejectedException>(() => catalog.Resolve(m.BackupId));
        Assert.True(e.Forged);
        Assert.Throws<BackupNotFoundException>(() => catalog.Resolve("latest"));
    }

    [Fact]
    public async Task Targets_and_their_manifests_are_read_concurrently_and_the_result_keeps_the_listings_order()
    {
        var ids = Enumerable.Range(0, 24).Select(i => (Id: $"20261130T{i:00}0000Z-{i:00000000}", At: Monday.AddHours(i - 2))).ToList();
        foreach (var (id, at) in ids)
        {
            var m = Manifest(id, at);
            // Every fifth backup's manifest in target a is damaged; b holds a good copy of each.
            await PutAsync(_a, m, IsDamagedInA(id) ? "{ not json"u8.ToArray() : null);
            await PutAsync(_b, m);
        }

        var inFlight = new InFlightCounter();
        var slowA = new FaultyTarget(_a) { ReadDelay = TimeSpan.FromMilliseconds(40), ReadsInFlight = inFlight };
        var slowB = new FaultyTarget(_b) { ReadDelay = TimeSpan.FromMilliseconds(40), ReadsInFlight = inFlight };

        var catalog = await TargetCatalogReader.ReadAsync([slowA, slowB], Ring);

        // Both targets at once, each with up to its limit of reads: more than one target's limit was ever in flight.
        Assert.InRange(inFlight.Max, TargetCatalogReader.ManifestReadsPerTarget + 1, 2 * TargetCatalogReader.ManifestReadsPerTarget);
        Assert.Equal(48, slowA.Reads.Count + slowB.Reads.Count);
        Assert.Equal(ids.OrderByDescending(i => i.At).Select(i => i.Id), catalog.Entries.Select(e => e.BackupId));
        Assert.All(catalog.Entries, e => Assert.Equal(IsDamagedInA(e.BackupId) ? ["b"] : new[] { "a", "b" }, e.FoundIn));
        var listed = new List<string>();
        await foreach (var o in _a.ListAsync(ObjectKeys.Root + "/"))
        {
            if (ObjectKeys.IsManifestKey(o.Key)) listed.Add(o.Key);
        }

        Assert.Equal(listed.Where(k => IsDamagedInA(k.Split('/')[^2])), catalog.Invalid.Select(i => i.Key));
        Assert.All(catalog.Invalid, i => Assert.Equal("a", i.Target));
    }

    [Fact]
    public async Task A_target_that_cannot_be_listed_is_a_warning_while_the_others_are_read()
    {
        var m = Manifest("20261130T020000Z-00000006", Monday);
        await PutAsync(_a, m);
        await PutAsync(_b, m);
        var broken = new FaultyTarget(_a) { FailLists = new TargetException("a", "injected: the listing was refused", isTransient: false) };

        var catalog = await TargetCatalogReader.ReadAsync([broken, _b], Ring);

        Assert.Equal(["b"], Assert.Single(catalog.Entries).FoundIn);
        Assert.Contains(catalog.Warnings, w => w.Contains("Target 'a' could not be listed", StringComparison.Ordinal) && w.Contains("injected", StringComparison.Ordinal));
        Assert.Empty(catalog.Invalid);
    }

    [Fact]
    public async Task Reading_for_one_backup_reads_only_its_manifests_and_resolves_it_as_the_full_catalog_does()
    {
        var ids = Enumerable.Range(0, 12).Select(i => (Id: $"20261130T{i:00}0000Z-{i:00000000}", At: Monday.AddHours(i - 2))).ToList();
        foreach (var (id, at) in ids.Where((_, i) => i != 3 && i != 5))
        {
            await PutAsync(_a, Manifest(id, at));
            await PutAsync(_b, Manifest(id, at));
        }

        await PutAsync(_b, Manifest(ids[3].Id, ids[3].At));
        // Backup 3's place in a holds backup 4's genuine manifest (a replay), and backup 5's only copies are forged.
        var four = Manifest(ids[4].Id, ids[4].At);
        await _a.PutAsync(ObjectKeys.For(Manifest(ids[3].Id, ids[3].At)).Manifest, new MemoryStream(ManifestSigner.SignToUtf8Bytes(four, Ring)));
        foreach (var target in new[] { _a, _b })
        {
            var five = Manifest(ids[5].Id, ids[5].At);
            await PutAsync(target, five, System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(ManifestSigner.SignToUtf8Bytes(five, Ring))
                .Replace("\"public.t\": 5", "\"public.t\": 7", StringComparison.Ordinal)));
        }

        var full = await TargetCatalogReader.ReadAsync([_a, _b], Ring);
        Assert.StartsWith($"{ids[3].Id} in b signed=True", Outcome(full, ids[3].Id), StringComparison.Ordinal);
        Assert.Equal("rejected forged=True", Outcome(full, ids[5].Id));
        foreach (var (id, _) in ids)
        {
            var a = new FaultyTarget(_a);
            var b = new FaultyTarget(_b);

            var one = await TargetCatalogReader.ReadForAsync([a, b], Ring, "shop", id, BackupKind.Full);

            Assert.Equal(2, a.Reads.Count + b.Reads.Count);
            Assert.All(a.Reads.Concat(b.Reads), key => Assert.Equal(id, key.Split('/')[^2]));
            Assert.Equal(Outcome(full, id), Outcome(one, id));
            Assert.Equal(full.Invalid.Where(i => i.BackupId == id).Select(i => (i.Target, i.Key, i.Forged)), one.Invalid.Select(i => (i.Target, i.Key, i.Forged)));
        }

        Assert.Equal(full.Resolve("latest").BackupId, (await TargetCatalogReader.ReadForAsync([_a, _b], Ring, "shop", "LATEST", BackupKind.Full)).Resolve("latest").BackupId);
        var missing = await TargetCatalogReader.ReadForAsync([_a, _b], Ring, "shop", "20261130T230000Z-00000099", BackupKind.Full);
        Assert.Throws<BackupNotFoundException>(() => missing.Resolve("20261130T230000Z-00000099"));
    }

    [Fact]
    public async Task Latest_reads_the_newest_days_until_a_signed_backup_of_its_kind_and_resolves_as_the_full_catalog_does()
    {
        // Two signed full backups a day, 26 to 29 November, in both targets.
        for (var day = 0; day < 4; day++)
        {
            for (var n = 0; n < 2; n++)
            {
                var at = Monday.AddDays(day - 4).AddHours(n);
                var m = Manifest($"{at:yyyyMMdd'T'HHmmss'Z'}-{day * 2 + n:00000000}", at);
                await PutAsync(_a, m);
                await PutAsync(_b, m);
            }
        }

        async Task<(TargetCatalog Catalog, int Reads)> ReadLatestAsync(BackupKind kind)
        {
            var a = new FaultyTarget(_a);
            var b = new FaultyTarget(_b);
            var catalog = await TargetCatalogReader.ReadForAsync([a, b], Ring, "shop", "latest", kind);
            return (catalog, a.Reads.Count + b.Reads.Count);
        }

        // The newest day holds a signed full backup with a verified copy: only that day is read.
        var (first, firstReads) = await ReadLatestAsync(BackupKind.Full);
        Assert.Equal(4, firstReads);
        Assert.Equal("20261129T030000Z-00000007 in a,b signed=True rows=5", Outcome(first, "latest"));
        Assert.Equal(Outcome(await TargetCatalogReader.ReadAsync([_a, _b], Ring, "shop"), "latest"), Outcome(first, "latest"));

        // A newer day with only an unsigned backup (in a) and a signed one without a verified copy: it is read, then the
        // next round's two days (twice the first round's), the newer of which holds the answer.
        var unsigned = Manifest("20261130T020000Z-00000008", Monday, formatVersion: 1);
        await PutAsync(_a, unsigned, ManifestSerializer.SerializeToUtf8Bytes(unsigned));
        var nine = Manifest("20261130T030000Z-00000009", Monday.AddHours(1));
        var unverified = nine with { Copies = [new TargetCopy("a", nine.ArtifactKey, false)] };
        await PutAsync(_a, unverified);
        await PutAsync(_b, unverified);
        var full = await TargetCatalogReader.ReadAsync([_a, _b], Ring, "shop");

        var (second, secondReads) = await ReadLatestAsync(BackupKind.Full);

        Assert.Equal(3 + 4 + 4, secondReads);
        Assert.Equal("20261129T030000Z-00000007 in a,b signed=True rows=5", Outcome(second, "latest"));
        Assert.Equal(Outcome(full, "latest"), Outcome(second, "latest"));

        // No backup of the kind at all: everything is read, and it is not found either way.
        var (files, filesReads) = await ReadLatestAsync(BackupKind.Files);
        Assert.Equal(8 * 2 + 3, filesReads);
        Assert.Equal("not found", Outcome(files, "latest", BackupKind.Files));
        Assert.Equal(Outcome(full, "latest", BackupKind.Files), Outcome(files, "latest", BackupKind.Files));
    }

    /// <summary>What resolving an id gives: the entry's id, targets and signature, or the refusal's type and forgery.</summary>
    private static string Outcome(TargetCatalog catalog, string id, BackupKind latestKind = BackupKind.Full)
    {
        try
        {
            var e = catalog.Resolve(id, latestKind);
            return $"{e.BackupId} in {string.Join(",", e.FoundIn)} signed={e.Signed} rows={e.Manifest.RowCounts["public.t"]}";
        }
        catch (ManifestRejectedException e)
        {
            return $"rejected forged={e.Forged}";
        }
        catch (BackupNotFoundException)
        {
            return "not found";
        }
    }

    private static bool IsDamagedInA(string backupId) => int.Parse(backupId[^2..], System.Globalization.CultureInfo.InvariantCulture) % 5 == 0;

    public void Dispose()
    {
        (_a as IDisposable)?.Dispose();
        (_b as IDisposable)?.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
