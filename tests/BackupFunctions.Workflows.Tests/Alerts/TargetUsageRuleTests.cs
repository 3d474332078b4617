using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Tests.Alerts;

public sealed class TargetUsageRuleTests
{
    private static readonly TargetUsageOptions Defaults = new();

    [Theory]
    [InlineData(79, null)]
    [InlineData(80, "warning")]
    [InlineData(94, "warning")]
    [InlineData(95, "critical")]
    [InlineData(120, "critical")]
    public void The_thresholds_decide_the_severity(long used, string? expected)
    {
        var (severity, fullest) = TargetUsageRule.Judge([new UsageReading("quota", used, 100)], Defaults);
        Assert.Equal(expected, severity);
        Assert.Equal(used, fullest!.Percent, 6);
    }

    [Fact]
    public void The_fullest_reading_decides_and_nothing_to_read_raises_nothing()
    {
        var (severity, fullest) = TargetUsageRule.Judge([new UsageReading("disk", 50, 100), new UsageReading("quota", 90, 100)], Defaults);
        Assert.Equal("warning", severity);
        Assert.Equal("quota", fullest!.Source);
        Assert.Equal((null, null), TargetUsageRule.Judge([], Defaults));
    }
}
