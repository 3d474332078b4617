namespace BackupFunctions.Pipeline.Streams;

/// <summary>Reports progress at most every few MiB, so reporting never costs measurable time.</summary>
internal sealed class ProgressReporter(IProgress<PipelineProgress>? progress, long step = 8 << 20)
{
    private long _plain, _stored, _lastReported;

    public void Plain(long plainBytes) { Volatile.Write(ref _plain, plainBytes); Maybe(); }
    public void Stored(long storedBytes) { Volatile.Write(ref _stored, storedBytes); Maybe(); }

    public void Final(long plain, long stored)
    {
        Volatile.Write(ref _plain, plain);
        Volatile.Write(ref _stored, stored);
        progress?.Report(new PipelineProgress(plain, stored));
    }

    private void Maybe()
    {
        if (progress is null) return;
        var plain = Volatile.Read(ref _plain);
        var last = Volatile.Read(ref _lastReported);
        if (plain - last < step) return;
        if (Interlocked.CompareExchange(ref _lastReported, plain, last) == last)
            progress.Report(new PipelineProgress(plain, Volatile.Read(ref _stored)));
    }
}
