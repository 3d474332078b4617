using System.Diagnostics.Metrics;
using BackupFunctions.Host.Memory;
using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Host.Tests.Memory;

public sealed class WorkListenerTests
{
    [Fact]
    public async Task A_compression_counts_as_running_while_open_and_as_started_after()
    {
        var listener = new WorkListener();
        Assert.Equal(0, listener.Read().Started);

        await using (var z = new ParallelZstdStream(new MemoryStream(), level: 2, workers: 1, blockSize: 64 << 10))
        {
            await z.WriteAsync(new byte[100_000]);
            var during = listener.Read();
            Assert.True(during.Running >= 1, $"{during.Running} running");
            Assert.True(during.Started >= 1, $"{during.Started} started");
        }

        // Other tests' hosts compress in this process too: what this stream added is certain, the rest is a bound.
        Assert.True(listener.Read().Started >= 1);
    }

    [Fact]
    public void Other_instruments_on_the_work_meter_are_not_work()
    {
        var listener = new WorkListener();
        using var meter = new Meter(WorkListener.MeterName);
        var other = meter.CreateUpDownCounter<int>("backupfunctions.work.something-else");

        other.Add(1000);

        // Far more than the other tests in this process ever run at once.
        var seen = listener.Read();
        Assert.True(seen.Running < 1000 && seen.Started < 1000, $"{seen} counted another instrument");
    }
}
