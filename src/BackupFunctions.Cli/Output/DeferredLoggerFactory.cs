using Microsoft.Extensions.Logging;

namespace BackupFunctions.Cli.Output;

/// <summary>
/// The command's logger factory, made only when the first message at or above <paramref name="minimum"/> is logged.
/// Building the console logging (options, formatters, its writer thread) cost every command about 0.04 s before its
/// first real work (docs/benchmarks.md, issue 17, session 10), and most commands without -v log nothing at all.
/// </summary>
internal sealed class DeferredLoggerFactory(LogLevel minimum, Func<ILoggerFactory> create) : ILoggerFactory
{
    private readonly Lazy<ILoggerFactory> _inner = new(create);

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => _inner.Value.AddProvider(provider);

    public void Dispose()
    {
        if (_inner.IsValueCreated)
        {
            _inner.Value.Dispose();
        }
    }

    private sealed class DeferredLogger(DeferredLoggerFactory factory, string categoryName) : ILogger
    {
        private readonly Lazy<ILogger> _inner = new(() => factory._inner.Value.CreateLogger(categoryName));

        private bool Wanted(LogLevel level) => level >= factory.MinimumLevel && level != LogLevel.None;

        public bool IsEnabled(LogLevel logLevel) => Wanted(logLevel) && _inner.Value.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Wanted(logLevel))
            {
                _inner.Value.Log(logLevel, eventId, state, exception, formatter);
            }
        }

        // Scopes are not printed by the console format used here (no IncludeScopes), so none is opened before a message is due.
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            factory._inner.IsValueCreated ? _inner.Value.BeginScope(state) : null;
    }

    private LogLevel MinimumLevel { get; } = minimum;
}
