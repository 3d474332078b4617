using BackupFunctions.Targets.Tests.Support;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Targets.Tests.Upload;

public sealed class PartitionedUploaderTests
{
    private static readonly UploadSettings Settings = new(PartSize: 1000, MaxParts: 100, Parallelism: 3, PartAttempts: 3);

    [Fact]
    public async Task Small_content_goes_up_in_one_request()
    {
        var sink = new RecordingSink();
        var info = await PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(TestData.Bytes(999)), null, Settings, sink, default);

        Assert.Equal(999, info.Size);
        Assert.Equal(999, sink.Single!.Length);
        Assert.False(sink.Began);
        Assert.Empty(sink.Parts);
    }

    [Fact]
    public async Task Parts_are_equal_except_the_last_and_reassemble_to_the_source()
    {
        var data = TestData.Bytes(10_500);
        var sink = new RecordingSink();

        var info = await PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(data), null, Settings, sink, default);

        Assert.Equal(data.Length, info.Size);
        Assert.Equal(11, sink.CommittedParts);
        var sizes = Enumerable.Range(1, 11).Select(n => sink.Parts[n].Length).ToArray();
        Assert.All(sizes[..^1], s => Assert.Equal(1000, s));
        Assert.Equal(500, sizes[^1]);
        Assert.Equal(data, Enumerable.Range(1, 11).SelectMany(n => sink.Parts[n]).ToArray());
        Assert.InRange(sink.MaxConcurrent, 1, Settings.Parallelism);
        Assert.False(sink.Aborted);
    }

    [Fact]
    public async Task Exact_multiple_of_the_part_size_has_no_empty_part()
    {
        var sink = new RecordingSink();
        await PartitionedUploader.UploadAsync("t", "k", new MemoryStream(TestData.Bytes(3000)), null, Settings, sink, default);

        Assert.Equal(3, sink.CommittedParts);
        Assert.All(sink.Parts.Values, p => Assert.Equal(1000, p.Length));
    }

    [Fact]
    public async Task A_transient_part_failure_is_retried_from_memory()
    {
        var sink = new RecordingSink();
        sink.FailPart[4] = new Queue<Exception>([FakeTarget.Transient("IncompleteBody")]);
        var data = TestData.Bytes(5500);

        await PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(data), null, Settings, sink, default);

        Assert.Equal(2, sink.Attempts[4]);
        Assert.Equal(data, Enumerable.Range(1, sink.CommittedParts).SelectMany(n => sink.Parts[n]).ToArray());
    }

    [Fact]
    public async Task A_permanent_part_failure_aborts_and_never_commits()
    {
        var sink = new RecordingSink();
        sink.FailPart[2] = new Queue<Exception>([new TargetConfigurationException("t", "access denied")]);

        await Assert.ThrowsAsync<TargetConfigurationException>(() =>
            PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(TestData.Bytes(9000)), null, Settings, sink, default));

        Assert.True(sink.Aborted);
        Assert.Equal(0, sink.CommittedParts);
        Assert.Equal(1, sink.Attempts[2]);
    }

    [Fact]
    public async Task A_failing_source_aborts_with_the_source_error()
    {
        var sink = new RecordingSink();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(TestData.Bytes(9000), failAfter: 4500), null, Settings, sink, default));

        Assert.True(sink.Aborted);
        Assert.Equal(0, sink.CommittedParts);
    }

    [Fact]
    public async Task Too_many_parts_fails_with_advice()
    {
        var sink = new RecordingSink();
        var settings = Settings with { MaxParts = 3 };

        var ex = await Assert.ThrowsAsync<TargetException>(() =>
            PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(TestData.Bytes(5000)), null, settings, sink, default));

        Assert.False(ex.IsTransient);
        Assert.Contains("ExpectedLength", ex.Message);
        Assert.True(sink.Aborted);
    }

    [Fact]
    public async Task Expected_length_grows_the_part_size_to_fit_the_part_limit()
    {
        var sink = new RecordingSink();
        var settings = new UploadSettings(PartSize: 1000, MaxParts: 3, Parallelism: 2);
        var data = TestData.Bytes(5 * PartSizing.MiB / 2);

        await PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(data), data.Length, settings, sink, default);

        Assert.InRange(sink.CommittedParts, 1, 3);
        Assert.Equal(PartSizing.MiB, sink.Parts[1].Length);
    }

    [Theory]
    [InlineData(0L, 5)]
    [InlineData(50L * 1024 * 1024 * 1024, 6)]          // 50 GiB / 10,000 = 5.12 MiB -> 6 MiB
    [InlineData(1024L * 1024 * 1024 * 1024, 105)]      // 1 TiB -> 104.9 MiB -> 105 MiB
    [InlineData(100L * 1024 * 1024 * 1024 * 1024, 512)] // capped
    public void Part_size_grows_with_the_object(long length, int expectedMiB)
    {
        Assert.Equal(expectedMiB * PartSizing.MiB, PartSizing.Choose(5 * PartSizing.MiB, length, 10_000));
    }

    [Fact]
    public void Unknown_length_keeps_the_configured_part_size()
    {
        Assert.Equal(8 * PartSizing.MiB, PartSizing.Choose(8 * PartSizing.MiB, null, 10_000));
    }

    [Fact]
    public async Task Uploads_to_several_targets_at_once_share_one_budget_of_part_buffers()
    {
        var budget = new PartBudget(capacity: 2);
        var data = Enumerable.Range(0, 3).Select(i => TestData.Bytes(7_500 + i * 1000)).ToArray();
        var sinks = data.Select(_ => new RecordingSink()).ToArray();

        // Three uploads, each allowed three parts in flight: nine parts' worth if each had its own buffers.
        await Task.WhenAll(data.Select((d, i) => Task.Run(() =>
            PartitionedUploader.UploadAsync($"t{i}", "k", new PipeLikeStream(d), null, Settings, sinks[i], default, budget))));

        for (var i = 0; i < data.Length; i++)
        {
            Assert.Equal(data[i], Enumerable.Range(1, sinks[i].CommittedParts).SelectMany(n => sinks[i].Parts[n]).ToArray());
        }

        Assert.InRange(budget.MaxInUse, 1, budget.Capacity);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_failed_upload_gives_its_part_buffers_back_to_the_budget()
    {
        var budget = new PartBudget(capacity: 3);
        var sink = new RecordingSink();
        sink.FailPart[2] = new Queue<Exception>([new TargetConfigurationException("t", "access denied")]);

        await Assert.ThrowsAsync<TargetConfigurationException>(() =>
            PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(TestData.Bytes(9000)), null, Settings, sink, default, budget));

        Assert.Equal(0, budget.InUse);
        Assert.True(sink.Aborted);
    }

    [Fact]
    public async Task A_budget_of_one_part_still_finishes_a_multipart_upload()
    {
        var budget = new PartBudget(capacity: 1);
        var data = TestData.Bytes(4_200);
        var sink = new RecordingSink();

        await PartitionedUploader.UploadAsync("t", "k", new PipeLikeStream(data), null, Settings, sink, default, budget);

        Assert.Equal(5, sink.CommittedParts);
        Assert.Equal(1, sink.MaxConcurrent);
        Assert.Equal(1, budget.MaxInUse);
        Assert.Equal(data, Enumerable.Range(1, 5).SelectMany(n => sink.Parts[n]).ToArray());
    }

    private sealed class RecordingSink : IPartSink
    {
        private int _concurrent;
        public byte[]? Single { get; private set; }
        public bool Began { get; private set; }
        public bool Aborted { get; private set; }
        public int CommittedParts { get; private set; }
        public int MaxConcurrent { get; private set; }
        public Dictionary<int, byte[]> Parts { get; } = [];
        public Dictionary<int, int> Attempts { get; } = [];
        public Dictionary<int, Queue<Exception>> FailPart { get; } = [];

        public Task<TargetObjectInfo> PutSingleAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            Single = data.ToArray();
            return Task.FromResult(new TargetObjectInfo("k", data.Length));
        }

        public Task BeginAsync(CancellationToken ct)
        {
            Began = true;
            return Task.CompletedTask;
        }

        public async Task StagePartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _concurrent);
            lock (this)
            {
                MaxConcurrent = Math.Max(MaxConcurrent, now);
                Attempts[partNumber] = Attempts.GetValueOrDefault(partNumber) + 1;
            }
            try
            {
                await Task.Yield();
                lock (this)
                {
                    if (FailPart.TryGetValue(partNumber, out var q) && q.TryDequeue(out var ex)) throw ex;
                    Parts[partNumber] = data.ToArray();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _concurrent);
            }
        }

        public Task<TargetObjectInfo> CommitAsync(int partCount, long totalLength, CancellationToken ct)
        {
            CommittedParts = partCount;
            return Task.FromResult(new TargetObjectInfo("k", totalLength));
        }

        public Task AbortAsync()
        {
            Aborted = true;
            return Task.CompletedTask;
        }
    }
}
