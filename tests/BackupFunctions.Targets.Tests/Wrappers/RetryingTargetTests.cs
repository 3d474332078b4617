using BackupFunctions.Targets.Tests.Support;

namespace BackupFunctions.Targets.Tests.Wrappers;

public sealed class RetryingTargetTests
{
    private static readonly RetryOptions Fast = new() { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };
    private readonly FakeTarget _inner = new();
    private readonly RetryingTarget _target;

    public RetryingTargetTests() => _target = new RetryingTarget(_inner, Fast);

    [Fact]
    public async Task Transient_failures_are_retried_until_success()
    {
        _inner.Objects["k"] = [1, 2, 3];
        _inner.Failures.Enqueue(FakeTarget.Transient());
        _inner.Failures.Enqueue(new TargetUnavailableException("fake", "connection refused"));

        var info = await _target.StatAsync("k");

        Assert.Equal(3, info!.Size);
        Assert.Equal(3, _inner.CallCount("Stat:"));
    }

    [Fact]
    public async Task Permanent_failures_are_not_retried()
    {
        _inner.Failures.Enqueue(new TargetConfigurationException("fake", "bucket 'x' does not exist"));

        await Assert.ThrowsAsync<TargetConfigurationException>(() => _target.DeleteAsync("k"));

        Assert.Equal(1, _inner.CallCount("Delete:"));
    }

    [Fact]
    public async Task Missing_object_is_not_retried()
    {
        await Assert.ThrowsAsync<TargetNotFoundException>(() => _target.OpenReadAsync("missing"));

        Assert.Equal(1, _inner.Calls.Count);
    }

    [Fact]
    public async Task Gives_up_after_max_attempts_with_the_transient_error()
    {
        for (var i = 0; i < 10; i++) _inner.Failures.Enqueue(FakeTarget.Transient());

        var ex = await Assert.ThrowsAsync<TargetException>(() => _target.StatAsync("k"));

        Assert.True(ex.IsTransient);
        Assert.Equal(Fast.MaxAttempts, _inner.CallCount("Stat:"));
    }

    [Fact]
    public async Task Seekable_put_is_rewound_and_retried()
    {
        var data = TestData.Bytes(10_000);
        var source = new MemoryStream(data);
        _inner.PutBreaks.Enqueue(4000);
        _inner.PutBreaks.Enqueue(9999);

        await _target.PutAsync("k", source);

        Assert.Equal(3, _inner.CallCount("Put:"));
        Assert.Equal(data, _inner.Objects["k"]);
    }

    [Fact]
    public async Task Seekable_put_rewinds_to_where_the_stream_started()
    {
        var data = TestData.Bytes(1000);
        var source = new MemoryStream(data) { Position = 100 };
        _inner.PutBreaks.Enqueue(500);

        await _target.PutAsync("k", source);

        Assert.Equal(data[100..], _inner.Objects["k"]);
    }

    [Fact]
    public async Task A_put_whose_answer_was_lost_after_the_store_kept_it_is_retried_and_finds_its_own_bytes()
    {
        var data = TestData.Bytes(10_000, seed: 31);
        var source = new MemoryStream(data) { Position = 200 };
        _inner.LostAnswers = 1;

        var info = await _target.PutAsync("k", source);

        Assert.Equal(data.Length - 200, info.Size);
        Assert.Equal(data[200..], _inner.Objects["k"]);
        Assert.Equal(2, _inner.CallCount("Put:"));
    }

    [Fact]
    public async Task A_put_onto_different_bytes_is_a_permanent_conflict_that_leaves_them_alone()
    {
        var stored = TestData.Bytes(5000, seed: 32);
        _inner.Objects["k"] = stored;

        var sameSize = await Assert.ThrowsAsync<TargetObjectExistsException>(() => _target.PutAsync("k", new MemoryStream(TestData.Bytes(5000, seed: 33))));
        var otherSize = await Assert.ThrowsAsync<TargetObjectExistsException>(() => _target.PutAsync("k", new MemoryStream(TestData.Bytes(10, seed: 33))));

        Assert.All([sameSize, otherSize], ex =>
        {
            Assert.False(ex.IsTransient);
            Assert.True(ex.ContentDiffers);
            Assert.Equal("k", ex.Key);
            Assert.Contains("already exists in target 'fake' with different content", ex.Message);
        });
        Assert.Contains("SHA-256", sameSize.Message);
        Assert.Contains("stored 5000 bytes, this put 10 bytes", otherSize.Message);
        Assert.Same(stored, _inner.Objects["k"]);
        Assert.Equal(0, _inner.CallCount("Delete:"));
    }

    [Fact]
    public async Task A_put_of_the_same_bytes_onto_a_stored_object_succeeds_without_writing()
    {
        var stored = TestData.Bytes(5000, seed: 34);
        _inner.Objects["k"] = stored;

        var info = await _target.PutAsync("k", new MemoryStream(stored.ToArray()));

        Assert.Equal(5000, info.Size);
        Assert.Same(stored, _inner.Objects["k"]);
        Assert.Equal(1, _inner.CallCount("Put:"));
    }

    [Fact]
    public async Task A_non_seekable_put_onto_a_stored_object_is_refused_without_comparing()
    {
        _inner.Objects["k"] = TestData.Bytes(100, seed: 35);

        var ex = await Assert.ThrowsAsync<TargetObjectExistsException>(() => _target.PutAsync("k", new PipeLikeStream(TestData.Bytes(100, seed: 35))));

        Assert.False(ex.ContentDiffers);
        Assert.Equal(0, _inner.CallCount("Open:"));
    }

    [Fact]
    public async Task Non_seekable_put_is_not_retried_and_says_why()
    {
        _inner.PutBreaks.Enqueue(10);

        var ex = await Assert.ThrowsAsync<TargetException>(() => _target.PutAsync("k", new PipeLikeStream(TestData.Bytes(100))));

        Assert.False(ex.IsTransient);
        Assert.Contains("not seekable", ex.Message);
        Assert.Contains("FileStream", ex.Message);
        Assert.IsType<TargetException>(ex.InnerException);
        Assert.Equal(1, _inner.CallCount("Put:"));
        Assert.False(_inner.Objects.ContainsKey("k"));
    }

    [Fact]
    public async Task Read_that_breaks_mid_body_resumes_at_the_right_offset()
    {
        var data = TestData.Bytes(10_000, seed: 3);
        _inner.Objects["k"] = data;
        _inner.ReadBreaks.Enqueue(3000);  // first stream: bytes 0..2999 then reset
        _inner.ReadBreaks.Enqueue(2500);  // second: 3000..5499 then reset

        var read = await TestData.ReadAllAsync(await _target.OpenReadAsync("k"));

        Assert.Equal(data, read);
        Assert.Equal(["Open:k:bytes=0-9999", "Open:k:bytes=3000-9999", "Open:k:bytes=5500-9999"],
            _inner.Calls.Where(c => c.StartsWith("Open:")).ToArray());
    }

    [Fact]
    public async Task Ranged_read_that_closes_early_resumes_within_the_range()
    {
        var data = TestData.Bytes(10_000, seed: 4);
        _inner.Objects["k"] = data;
        _inner.BreakByClosingEarly = true;
        _inner.ReadBreaks.Enqueue(1000);

        var read = await TestData.ReadAllAsync(await _target.OpenReadAsync("k", new ByteRange(2000, 5000)));

        Assert.Equal(data.AsSpan(2000, 5000).ToArray(), read);
        Assert.Equal(["Open:k:bytes=2000-6999", "Open:k:bytes=3000-6999"], _inner.Calls.Where(c => c.StartsWith("Open:")).ToArray());
    }

    [Fact]
    public async Task Read_gives_up_with_an_error_when_every_reopen_breaks_again()
    {
        _inner.Objects["k"] = TestData.Bytes(1000);
        _inner.ReadBreaks.Enqueue(100);
        for (var i = 0; i < 10; i++) _inner.ReadBreaks.Enqueue(0);

        await using var stream = await _target.OpenReadAsync("k");
        var buffer = new byte[1000];
        Assert.Equal(100, await stream.ReadAsync(buffer));
        // The stream must end in an error, never silently short.
        var ex = await Assert.ThrowsAsync<TargetException>(async () => await stream.ReadAsync(buffer));

        Assert.True(ex.IsTransient);
        Assert.Equal(1 + (Fast.MaxAttempts - 1), _inner.CallCount("Open:"));
        Assert.All(_inner.Calls.Where(c => c.StartsWith("Open:")).Skip(1), c => Assert.Equal("Open:k:bytes=100-999", c));
    }

    [Fact]
    public async Task Listing_that_fails_midway_restarts_without_duplicates()
    {
        foreach (var k in new[] { "a", "b", "c", "d", "e" }) _inner.Objects[k] = [1];
        _inner.ListBreakAfter = 3;

        var keys = new List<string>();
        await foreach (var item in _target.ListAsync("")) keys.Add(item.Key);

        Assert.Equal(["a", "b", "c", "d", "e"], keys);
        Assert.Equal(2, _inner.CallCount("List:"));
    }

    [Fact]
    public void Full_jitter_stays_within_the_exponential_cap()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var cap = TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, attempt)));
            for (var i = 0; i < 50; i++)
            {
                var d = TransientRetry.FullJitter(options, attempt);
                Assert.InRange(d, TimeSpan.Zero, cap);
            }
        }
    }
}
