using BackupFunctions.Targets.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Targets.Tests.Wrappers;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logging_target_records_stores_and_failures()
    {
        var inner = new FakeTarget();
        var log = new ListLogger();
        var target = new LoggingTarget(inner, log);

        await target.PutAsync("a/b", new MemoryStream([1, 2, 3]));
        inner.Failures.Enqueue(new TargetConfigurationException("fake", "bucket 'x' does not exist"));
        await Assert.ThrowsAsync<TargetConfigurationException>(() => target.DeleteAsync("a/b"));

        Assert.Contains(log.Entries, e => e.EventId == 3011 && e.Message.Contains("'a/b' (3 bytes)"));
        Assert.Contains(log.Entries, e => e.EventId == 3013 && e.Level == LogLevel.Warning && e.Message.Contains("bucket 'x' does not exist"));
    }

    [Fact]
    public async Task Retries_and_resumed_reads_are_logged_as_warnings()
    {
        var inner = new FakeTarget();
        inner.Objects["k"] = TestData.Bytes(100);
        inner.Failures.Enqueue(FakeTarget.Transient("HTTP 503 SlowDown"));
        inner.ReadBreaks.Enqueue(40);
        var log = new ListLogger();
        var target = new RetryingTarget(inner, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1) }, log);

        await TestData.ReadAllAsync(await target.OpenReadAsync("k"));

        Assert.Contains(log.Entries, e => e.EventId == 3001 && e.Message.Contains("SlowDown") && e.Message.Contains("retry 1"));
        Assert.Contains(log.Entries, e => e.EventId == 3002 && e.Message.Contains("at byte 40"));
    }

    [Theory]
    [InlineData(-1L, null)]
    [InlineData(0L, 0L)]
    public void Byte_range_rejects_negative_offset_and_empty_length(long offset, long? length)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new ByteRange(offset, length));
    }

    [Fact]
    public void Byte_range_formats_as_an_http_range()
    {
        Assert.Equal("bytes=10-19", new ByteRange(10, 10).ToHttpHeaderValue());
        Assert.Equal("bytes=10-", new ByteRange(10).ToHttpHeaderValue());
    }
}
