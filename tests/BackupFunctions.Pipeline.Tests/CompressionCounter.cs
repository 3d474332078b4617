using System.Diagnostics.Metrics;
using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Listens to <see cref="ActiveCompressions"/> from its creation on, as a host's work listener does.</summary>
internal sealed class CompressionCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private int _open;
    private int _opened;

    public CompressionCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == ActiveCompressions.InstrumentName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, change, _, _) =>
        {
            Interlocked.Add(ref _open, change);
            if (change > 0) Interlocked.Add(ref _opened, change);
        });
        _listener.Start();
    }

    /// <summary>Opened since this counter was created, minus closed (streams opened before it may close during it).</summary>
    public int Open => Volatile.Read(ref _open);

    public int Opened => Volatile.Read(ref _opened);

    public void Dispose() => _listener.Dispose();
}
