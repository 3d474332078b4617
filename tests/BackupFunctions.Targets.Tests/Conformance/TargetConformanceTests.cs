using BackupFunctions.Targets.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Targets.Tests.Conformance;

/// <summary>
/// What every backend must do, run against the real services (restic's generic backend test). Each
/// test gets a fresh, empty target (own directory, prefix or container) from <see cref="CreateTargetAsync"/>,
/// cleaned up in <see cref="DisposeTargetAsync"/>. Multipart paths are exercised with 5 MiB parts.
/// </summary>
public abstract class TargetConformanceTests : IAsyncLifetime
{
    protected const int PartSize = 5 * TestData.MiB;

    protected IBackupTarget Target { get; private set; } = null!;

    /// <summary>A fresh, empty target whose multipart part size is <see cref="PartSize"/> and list page size is 2.</summary>
    protected abstract Task<IBackupTarget> CreateTargetAsync();

    protected abstract Task DisposeTargetAsync();

    public async Task InitializeAsync() => Target = await CreateTargetAsync();

    public Task DisposeAsync() => DisposeTargetAsync();

    [Fact]
    public async Task Small_object_round_trips()
    {
        var data = TestData.Bytes(1000);
        var info = await Target.PutAsync("db/small.bin", new MemoryStream(data));

        Assert.Equal("db/small.bin", info.Key);
        Assert.Equal(1000, info.Size);
        Assert.Equal(data, await TestData.ReadAllAsync(await Target.OpenReadAsync("db/small.bin")));
    }

    [Fact]
    public async Task A_put_asked_to_read_back_reports_the_stored_bytes_hash_or_nothing()
    {
        var data = TestData.Bytes(3 * TestData.MiB, seed: 5);
        var info = await Target.PutAsync("db/read-back.bfa", new MemoryStream(data), new PutOptions { ReadBack = true });

        // A cloud store cannot read back before its commit and reports nothing; one that does must report these bytes.
        if (info.ReadBack is { } read) Assert.Equal(new StoredHash("db/read-back.bfa", data.Length, TestData.Sha256(data)), read);
        Assert.Null((await Target.PutAsync("db/no-read-back.bfa", new MemoryStream(data))).ReadBack);
    }

    [Fact]
    public async Task Empty_object_round_trips()
    {
        await Target.PutAsync("empty", new MemoryStream());

        Assert.Equal(0, (await Target.StatAsync("empty"))!.Size);
        Assert.Empty(await TestData.ReadAllAsync(await Target.OpenReadAsync("empty")));
    }

    [Fact]
    public async Task Multipart_object_is_stored_byte_identical()
    {
        // 12 MiB with 5 MiB parts: two full parts and a short last one.
        var data = TestData.Bytes(12 * TestData.MiB, seed: 2);
        var info = await Target.PutAsync("db/full.bfa", new MemoryStream(data));

        Assert.Equal(data.Length, info.Size);
        var stored = await TargetVerifier.HashAsync(Target, "db/full.bfa");
        Assert.Equal(TestData.Sha256(data), stored.Sha256);
        Assert.Equal(data.Length, stored.Length);
        Assert.Equal(data.Length, (await Target.StatAsync("db/full.bfa"))!.Size);
    }

    [Fact]
    public async Task Unknown_length_non_seekable_stream_is_stored_byte_identical()
    {
        var large = TestData.Bytes(11 * TestData.MiB + 123, seed: 3);
        var small = TestData.Bytes(4321, seed: 4);

        var info = await Target.PutAsync("pipe/large", new PipeLikeStream(large));
        await Target.PutAsync("pipe/small", new PipeLikeStream(small));

        Assert.Equal(large.Length, info.Size);
        Assert.True(await TargetVerifier.VerifyAsync(Target, "pipe/large", TestData.Sha256(large)));
        Assert.True(await TargetVerifier.VerifyAsync(Target, "pipe/small", TestData.Sha256(small)));
    }

    [Fact]
    public async Task Ranged_reads_return_the_requested_bytes()
    {
        var data = TestData.Bytes(300_000, seed: 5);
        await Target.PutAsync("ranged", new MemoryStream(data));

        var middle = await TestData.ReadAllAsync(await Target.OpenReadAsync("ranged", new ByteRange(1000, 5000)));
        var tail = await TestData.ReadAllAsync(await Target.OpenReadAsync("ranged", new ByteRange(299_990)));

        Assert.Equal(data.AsSpan(1000, 5000).ToArray(), middle);
        Assert.Equal(data.AsSpan(299_990).ToArray(), tail);
    }

    [Fact]
    public async Task Stat_reports_size_or_null()
    {
        await Target.PutAsync("a/b/c.bin", new MemoryStream(TestData.Bytes(777)));

        var info = await Target.StatAsync("a/b/c.bin");
        Assert.NotNull(info);
        Assert.Equal("a/b/c.bin", info.Key);
        Assert.Equal(777, info.Size);
        Assert.Null(await Target.StatAsync("a/b/missing.bin"));
        Assert.Null(await Target.StatAsync("a/b"));
    }

    [Fact]
    public async Task List_returns_keys_under_a_prefix_in_order_across_pages()
    {
        string[] keys = ["a/1", "a/2", "a/3", "a/x/4", "ab/1", "b/1"];
        foreach (var key in keys.Reverse()) await Target.PutAsync(key, new MemoryStream(TestData.Bytes(10 + key.Length)));

        Assert.Equal(["a/1", "a/2", "a/3", "a/x/4"], await Keys("a/"));
        Assert.Equal(["a/1", "a/2", "a/3", "a/x/4", "ab/1"], await Keys("a"));
        Assert.Equal(keys, await Keys(""));
        Assert.Empty(await Keys("zzz/"));
        var sizes = new Dictionary<string, long>();
        await foreach (var item in Target.ListAsync("b/")) sizes[item.Key] = item.Size;
        Assert.Equal(13, sizes["b/1"]);
    }

    [Fact]
    public async Task Delete_is_idempotent()
    {
        await Target.PutAsync("gone/soon", new MemoryStream(TestData.Bytes(10)));

        await Target.DeleteAsync("gone/soon");
        Assert.Null(await Target.StatAsync("gone/soon"));
        await Target.DeleteAsync("gone/soon");
        await Target.DeleteAsync("never/was");
        Assert.Empty(await Keys(""));
    }

    [Fact]
    public async Task Reading_a_missing_object_throws_not_found()
    {
        var ex = await Assert.ThrowsAsync<TargetNotFoundException>(async () =>
        {
            await using var s = await Target.OpenReadAsync("no/such/object");
            await s.ReadAsync(new byte[1]);
        });
        Assert.Equal("no/such/object", ex.Key);
        Assert.False(ex.IsTransient);
        Assert.Equal(Target.Name, ex.TargetName);
    }

    [Fact]
    public async Task Bad_keys_are_rejected_by_every_operation()
    {
        string[] bad = ["", "/abs", "a//b", "../x", "a/../b", "a/", "a\\b", "./a"];
        foreach (var key in bad)
        {
            var put = await Assert.ThrowsAnyAsync<ArgumentException>(() => Target.PutAsync(key, new MemoryStream([1])));
            Assert.Contains("key", put.Message, StringComparison.OrdinalIgnoreCase);
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Target.OpenReadAsync(key));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Target.StatAsync(key));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Target.DeleteAsync(key));
        }
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Target.ListAsync("../").ToListAsync());
        Assert.Empty(await Keys(""));
    }

    [Fact]
    public async Task Failed_put_leaves_no_object_behind()
    {
        // Fails after two full parts were uploaded, and a small one before the first part is full.
        var data = TestData.Bytes(12 * TestData.MiB, seed: 6);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Target.PutAsync("broken/large", new PipeLikeStream(data, failAfter: 11 * TestData.MiB)));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Target.PutAsync("broken/small", new PipeLikeStream(data, failAfter: 1000)));

        Assert.Null(await Target.StatAsync("broken/large"));
        Assert.Null(await Target.StatAsync("broken/small"));
        Assert.Empty(await Keys(""));
    }

    [Fact]
    public async Task Failed_put_does_not_overwrite_a_good_object()
    {
        var good = TestData.Bytes(6 * TestData.MiB, seed: 7);
        await Target.PutAsync("keep/me", new MemoryStream(good));
        var bad = TestData.Bytes(12 * TestData.MiB, seed: 8);

        // Refused as taken (a backend that checks first) or failed by the source (one that checks at the commit).
        foreach (var failAfter in new long[] { 11 * TestData.MiB, 10 })
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => Target.PutAsync("keep/me", new PipeLikeStream(bad, failAfter)));
            Assert.True(ex is InvalidOperationException or TargetObjectExistsException, ex.ToString());
        }

        Assert.Equal(TestData.Sha256(good), (await TargetVerifier.HashAsync(Target, "keep/me")).Sha256);
        Assert.Equal(["keep/me"], await Keys(""));
    }

    [Fact]
    public async Task A_second_put_of_an_existing_key_fails_as_already_exists_and_keeps_the_original()
    {
        var first = TestData.Bytes(5000, seed: 9);
        var second = TestData.Bytes(3000, seed: 10);
        await Target.PutAsync("same/key", new MemoryStream(first));

        var other = await Assert.ThrowsAsync<TargetObjectExistsException>(() => Target.PutAsync("same/key", new MemoryStream(second)));
        // The bare backend refuses even its own bytes: comparing is the retrying wrapper's job.
        var same = await Assert.ThrowsAsync<TargetObjectExistsException>(() => Target.PutAsync("same/key", new PipeLikeStream(first)));

        Assert.All([other, same], ex =>
        {
            Assert.False(ex.IsTransient);
            Assert.Equal("same/key", ex.Key);
            Assert.Equal(Target.Name, ex.TargetName);
            Assert.Contains("already exists", ex.Message);
        });
        Assert.Equal(first, await TestData.ReadAllAsync(await Target.OpenReadAsync("same/key")));
        Assert.Equal(5000, (await Target.StatAsync("same/key"))!.Size);
        Assert.Equal(["same/key"], await Keys(""));
    }

    [Fact]
    public async Task A_multipart_put_over_an_existing_key_fails_as_already_exists_and_keeps_the_original()
    {
        var good = TestData.Bytes(6 * TestData.MiB, seed: 12);
        await Target.PutAsync("big/key", new MemoryStream(good));
        var other = TestData.Bytes(12 * TestData.MiB, seed: 13);

        await Assert.ThrowsAsync<TargetObjectExistsException>(() => Target.PutAsync("big/key", new MemoryStream(other)));
        await Assert.ThrowsAsync<TargetObjectExistsException>(() => Target.PutAsync("big/key", new PipeLikeStream(other)));

        Assert.Equal(TestData.Sha256(good), (await TargetVerifier.HashAsync(Target, "big/key")).Sha256);
        Assert.Equal(["big/key"], await Keys(""));
    }

    [Fact]
    public async Task Through_the_retrying_wrapper_the_same_bytes_again_are_success_and_other_bytes_a_conflict()
    {
        var data = TestData.Bytes(6 * TestData.MiB + 17, seed: 14);
        IBackupTarget wrapped = new RetryingTarget(Target, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1) });
        await wrapped.PutAsync("idem/x", new MemoryStream(data));

        var again = await wrapped.PutAsync("idem/x", new MemoryStream(data));
        var changed = data.ToArray();
        changed[^1] ^= 0xff;
        var conflict = await Assert.ThrowsAsync<TargetObjectExistsException>(() => wrapped.PutAsync("idem/x", new MemoryStream(changed)));

        Assert.Equal(data.Length, again.Size);
        Assert.True(conflict.ContentDiffers);
        Assert.False(conflict.IsTransient);
        Assert.Equal(TestData.Sha256(data), (await TargetVerifier.HashAsync(Target, "idem/x")).Sha256);
    }

    /// <summary>
    /// A put that passed any early check and is still sending its bytes while another put stores the same key must be
    /// refused where the object becomes visible (the no-replace link, or If-None-Match on the commit).
    /// </summary>
    protected async Task AssertAPutOvertakenByAnotherIsRefusedAtTheEnd(int size)
    {
        var slow = TestData.Bytes(size, seed: 15);
        var fast = TestData.Bytes(2000, seed: 16);
        var gated = new GatedStream(slow, gateAt: size - 1000);
        var slowPut = Target.PutAsync("race/key", gated);
        await gated.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        TargetObjectExistsException? fastRefused = null, slowRefused = null;
        try
        {
            await Target.PutAsync("race/key", new MemoryStream(fast));
        }
        catch (TargetObjectExistsException e)
        {
            // Seen under load on Azurite: the SDK retried a put whose first attempt was stored but whose answer was lost
            // and met its own blob; or the emulator counted the slow put's uncommitted blocks as a blob. Either way
            // what is stored decides below.
            fastRefused = e;
        }

        gated.Release.SetResult();
        try
        {
            await slowPut;
        }
        catch (TargetObjectExistsException e)
        {
            slowRefused = e;
        }

        // Never both: one of them would have replaced the other's object. The stored bytes are the put's that won.
        Assert.False(fastRefused is null && slowRefused is null, "both puts succeeded, so the later one replaced the earlier");
        Assert.Equal(slowRefused is null ? slow : fast, await TestData.ReadAllAsync(await Target.OpenReadAsync("race/key")));
        Assert.Equal(["race/key"], await Keys(""));
    }

    [Fact]
    public async Task Wrapped_target_reads_through_resumable_ranged_stream()
    {
        // The factory's wrappers (logging, retry with resumable reads, concurrency limit) over the real backend.
        var data = TestData.Bytes(200_000, seed: 11);
        IBackupTarget wrapped = new LoggingTarget(
            new RetryingTarget(new ConcurrencyLimitedTarget(Target, 2), new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1) }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await wrapped.PutAsync("wrapped/x", new MemoryStream(data));

        Assert.Equal(data, await TestData.ReadAllAsync(await wrapped.OpenReadAsync("wrapped/x")));
        Assert.Equal(data.AsSpan(150_000, 100).ToArray(),
            await TestData.ReadAllAsync(await wrapped.OpenReadAsync("wrapped/x", new ByteRange(150_000, 100))));
    }

    protected async Task<List<string>> Keys(string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in Target.ListAsync(prefix)) keys.Add(item.Key);
        return keys;
    }
}
