using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>Collects log events in memory, so a test can wait for the host to have done something it only logs.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId Id, string Message)> _events = new();

    public IReadOnlyList<(string Category, EventId Id, string Message)> Events => [.. _events];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, EventId, string)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Enqueue((category, eventId, formatter(state, exception)));
    }
}
