using System.Text.Json;
using BackupFunctions.Host.CustomHandler;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class TimerInvocationRequestTests
{
    [Fact]
    public void Reads_the_host_clock_and_past_due_flag_from_a_recorded_payload()
    {
        var request = JsonSerializer.Deserialize<TimerInvocationRequest>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "timer-invocation.json")))!;
        Assert.Equal(new DateTime(2026, 3, 1, 2, 0, 0, 12, DateTimeKind.Utc), request.UtcNow());
        Assert.False(request.IsPastDue());
    }

    [Theory]
    [InlineData("""{"Metadata":{"sys":{"UtcNow":"2026-03-01T02:00:00"}}}""")]
    [InlineData("""{"Metadata":{"sys":{"UtcNow":"2026-03-01T03:00:00+01:00"}}}""")]
    public void A_time_without_an_offset_is_utc_and_one_with_an_offset_is_converted(string json)
    {
        var request = JsonSerializer.Deserialize<TimerInvocationRequest>(json)!;
        Assert.Equal(new DateTime(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc), request.UtcNow());
        Assert.Equal(DateTimeKind.Utc, request.UtcNow()!.Value.Kind);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"Metadata":{"sys":{}}}""")]
    [InlineData("""{"Metadata":{"sys":{"UtcNow":"soon"}}}""")]
    [InlineData("""{"Metadata":{"sys":"x"}}""")]
    public void Without_a_usable_clock_there_is_none(string json)
    {
        Assert.Null(JsonSerializer.Deserialize<TimerInvocationRequest>(json)!.UtcNow());
    }

    [Fact]
    public void Past_due_is_read_from_the_binding()
    {
        var request = JsonSerializer.Deserialize<TimerInvocationRequest>("""{"Data":{"timer":{"IsPastDue":true}}}""")!;
        Assert.True(request.IsPastDue());
    }
}
