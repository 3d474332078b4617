using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Tests.Alerts;

public sealed class NotificationPolicyTests
{
    private static RecordedAlert Raised(string severity, bool opened, string? previous) =>
        new(new CatalogAlert(1, severity, "c", "m", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2, null, null, null), opened, previous);

    [Theory]
    [InlineData("warning", true, null, "opened")]
    [InlineData("critical", false, "warning", "escalated")]
    [InlineData("warning", false, "info", "escalated")]
    [InlineData("warning", false, "warning", null)]
    [InlineData("warning", false, "critical", null)]
    public void Only_news_is_delivered(string severity, bool opened, string? previous, string? expected) =>
        Assert.Equal(expected, NotificationPolicy.OnRaise(Raised(severity, opened, previous)));
}
