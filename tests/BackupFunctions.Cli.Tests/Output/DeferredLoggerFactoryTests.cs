using BackupFunctions.Cli.Output;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Cli.Tests.Output;

/// <summary>The command's logging is built only when a message is due, and then every due message reaches it.</summary>
public sealed class DeferredLoggerFactoryTests
{
    private sealed class Recorder : ILoggerProvider, ILogger
    {
        public List<(LogLevel Level, string Message)> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add((logLevel, formatter(state, exception)));

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Dispose() { }
    }

    [Fact]
    public void Messages_below_the_minimum_build_nothing_and_the_first_due_one_builds_the_logging_and_is_written()
    {
        var built = 0;
        var recorder = new Recorder();
        using var factory = new DeferredLoggerFactory(LogLevel.Warning, () =>
        {
            built++;
            return LoggerFactory.Create(b => b.AddProvider(recorder).SetMinimumLevel(LogLevel.Warning));
        });
        var logger = factory.CreateLogger("test");

        logger.LogInformation("step one");
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.Equal(0, built);

        logger.LogWarning("retrying {Target}", "s3");
        factory.CreateLogger("other").LogError("gave up");

        Assert.Equal(1, built);
        Assert.Equal([(LogLevel.Warning, "retrying s3"), (LogLevel.Error, "gave up")], recorder.Messages);
    }
}
