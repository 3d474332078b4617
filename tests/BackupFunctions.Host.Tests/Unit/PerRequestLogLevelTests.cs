using BackupFunctions.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Unit;

/// <summary>
/// The categories that log a line per read (ASP.NET Core's JSON result, the Azure Storage backend's status fetch) are
/// at Warning by default, and the settings can still turn them up.
/// </summary>
public sealed class PerRequestLogLevelTests
{
    [Fact]
    public async Task Per_read_information_lines_are_off_by_default_and_warnings_still_pass()
    {
        await using var hub = new TestHub();
        using var capture = new LogCapture();
        await using var app = TestHost.Build(HostSettings.For("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2", hub.Name),
            b => b.Logging.AddProvider(capture));
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        var json = loggers.CreateLogger("Microsoft.AspNetCore.Http.Result.JsonResult");
        var store = loggers.CreateLogger("DurableTask.AzureStorage");
        Assert.False(json.IsEnabled(LogLevel.Information));
        Assert.False(store.IsEnabled(LogLevel.Information));
        Assert.True(store.IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("BackupFunctions.Host").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task A_level_in_the_settings_wins()
    {
        await using var hub = new TestHub();
        var settings = HostSettings.For("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2", hub.Name)
            .With("Logging:LogLevel:DurableTask.AzureStorage", "Information");
        using var capture = new LogCapture();
        await using var app = TestHost.Build(settings, b => b.Logging.AddProvider(capture));

        Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DurableTask.AzureStorage").IsEnabled(LogLevel.Information));
    }
}
