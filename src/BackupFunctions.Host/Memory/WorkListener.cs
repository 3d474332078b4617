using System.Diagnostics.Metrics;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Host.Memory;

/// <summary>
/// Sums what the data path reports on the "BackupFunctions.Work" meter (<see cref="ActiveCompressions"/>,
/// <see cref="ActiveUploads"/>): one listener per process, so every host in it sees the same work.
/// </summary>
internal sealed class WorkListener
{
    public const string MeterName = "BackupFunctions.Work";

    private readonly MeterListener _listener = new();
    private long _started;
    private int _running;

    /// <summary>Created with the first host's idle release (<see cref="IdleMemoryRelease"/>), before any workflow can start work.</summary>
    public static WorkListener Shared { get; } = new();

    internal WorkListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName
                && instrument.Name is ActiveCompressions.InstrumentName or ActiveUploads.InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, change, _, _) => Count(change));
        _listener.Start();
    }

    public WorkMeter Read() => new(Interlocked.Read(ref _started), Math.Max(0, Volatile.Read(ref _running)));

    private void Count(int change)
    {
        Interlocked.Add(ref _running, change);
        if (change > 0)
        {
            Interlocked.Add(ref _started, change);
        }
    }
}
