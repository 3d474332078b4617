using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.RowCounts;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Loads each table's data from a custom-format dump while the rest of the artifact still decodes into its staging file:
/// as soon as a table's block is in the file (and the schema exists), a <c>pg_restore -L</c> is fed, on its stdin, the
/// archive's header and TOC followed by exactly the blocks of its batch, so it never scans the file for them (a
/// pipe-written archive has no data offsets, and with <c>-Z0</c> every row is a chunk of its own to skip). Its list
/// names the batch's data and then those tables' own indexes and constraints (<see cref="TablePostData"/>), built in
/// the same transaction while other batches load. Up to <c>jobs</c> batches run at a time (<see cref="TakeBatch"/>
/// picks what a free one loads); a slot that no decoded data can use adds the foreign keys whose tables have both
/// committed (<see cref="ForeignKeysAfterData"/>).
/// </summary>
/// <remarks>
/// Like <see cref="PreDataRestore"/> this runs before the artifact's whole-object hashes are checked: every byte has
/// passed its chunk's authentication, but the archive may still prove truncated or not the one the manifest names, so
/// it is only for a database the caller created and drops when the restore fails. Only COPY data that the row counter
/// follows is loaded early; anything else (sequence values, large objects, INSERT-style data) is left to the final
/// <c>pg_restore -j</c>, which also runs the rest of the post-data section once every batch here has finished. A foreign
/// key is never checked against a half-loaded table: it is added here only once both tables' batches committed.
/// </remarks>
internal sealed partial class OverlappedDataRestore : IAsyncDisposable
{
    /// <summary>Small tables are loaded together up to this much data, one pg_restore (one connection, one commit) per batch.</summary>
    internal const long MinBatchBytes = 8L << 20;

    private readonly PgToolRunner _runner;
    private readonly PgConnectionInfo _target;
    private readonly PgClientInstallation _client;
    private readonly string _path;
    private readonly int _jobs;
    private readonly Channel<DumpDataBlock> _ready = Channel.CreateUnbounded<DumpDataBlock>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly Lock _gate = new();
    private readonly List<PgToolProcess> _running = [];
    private readonly HashSet<int> _restored = [];
    private readonly HashSet<int> _builtAfterData = [];
    private Dictionary<int, List<int>>? _postData;
    private byte[]? _prefix;
    private int _batches;
    private long _restoredBytes;

    private readonly Action<Exception> _onFailure;
    private readonly Action<IReadOnlyList<TableName>>? _tablesLoaded;
    private readonly IReadOnlyDictionary<string, long>? _expectedBytes;
    private readonly ILogger _logger;
    private Task _loop = Task.CompletedTask;

    /// <summary>
    /// Ready to be fed (<see cref="Observer"/>); loads nothing before <see cref="Begin"/>. <paramref name="onFailure"/> is
    /// told at once if the schema or a batch fails, so the caller can stop the decode; <paramref name="tablesLoaded"/> is
    /// told the tables of each batch that committed.
    /// </summary>
    public OverlappedDataRestore(PgToolRunner runner, PgConnectionInfo target, PgClientInstallation client, string stagedPath, int jobs,
        Action<Exception> onFailure, ILogger logger, CancellationToken ct, Action<IReadOnlyList<TableName>>? tablesLoaded = null,
        IReadOnlyDictionary<string, long>? expectedBytes = null)
    {
        _tablesLoaded = tablesLoaded;
        _expectedBytes = expectedBytes;
        _logger = logger;
        _runner = runner;
        _target = target;
        _client = client;
        _path = stagedPath;
        _jobs = Math.Max(1, jobs);
        _onFailure = onFailure;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Observer = new CustomDumpRowCounter(block => _ready.Writer.TryWrite(block));
    }

    /// <summary>Starts loading blocks once <paramref name="schema"/> (the pre-data section) completed.</summary>
    public void Begin(Task schema)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                await RunAsync(schema, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _onFailure(e);
                throw;
            }
        }, CancellationToken.None);
    }

    /// <summary>Feed it every decoded byte, in order, once the byte is in the staging file.</summary>
    public CustomDumpRowCounter Observer { get; }

    /// <summary>Tables whose data was loaded here, by dump id (final once <see cref="FinishAsync"/> returned).</summary>
    public IReadOnlyCollection<int> Restored => _restored;

    /// <summary>
    /// Every TOC entry restored here, by dump id: the data above and the indexes and constraints built after it
    /// (<see cref="TablePostData"/>); what the final <c>pg_restore -j</c> must leave out.
    /// </summary>
    public IReadOnlySet<int> Done => _restored.Union(_builtAfterData).ToHashSet();

    public long RestoredBytes => _restoredBytes;

    /// <summary>
    /// The decode ended and passed every check: loads what is still queued, then waits for every batch.
    /// Throws the first failure (the schema's, or a batch's <see cref="PgToolException"/>).
    /// </summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        _ready.Writer.TryComplete();
        await _loop.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops every batch wherever it is (the decode failed); the caller drops the database.</summary>
    public async Task AbortAsync()
    {
        Abort();
        try { await _loop.ConfigureAwait(false); }
        catch (Exception) { /* the failure that matters is reported by the caller */ }
    }

    /// <summary>The loop's own failure, once it ended with one (to report instead of the decode's cancellation).</summary>
    public Exception? Failure => _loop.IsFaulted ? _loop.Exception!.InnerException : null;

    private void Abort()
    {
        _ready.Writer.TryComplete();
        _stop.Cancel();
        lock (_gate)
        {
            foreach (var p in _running) p.Kill();
        }
    }

    private async Task RunAsync(Task schema, CancellationToken ct)
    {
        var running = new List<Task>();
        try
        {
            await LoadAsync(schema, running, ct).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stop the other batches and let them end (each deletes its list file) before the failure is reported.
            Abort();
            await Task.WhenAll(running.Select(t => t.ContinueWith(static _ => { }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }
    }

    private async Task LoadAsync(Task schema, List<Task> running, CancellationToken ct)
    {
        await schema.WaitAsync(ct).ConfigureAwait(false);
        _postData = TablePostData.Map(Observer.Toc);
        var foreignKeys = ForeignKeysAfterData.Plan(Observer.Toc, _postData);
        Task? keysRunning = null;
        var pending = new List<DumpDataBlock>();
        Task<bool>? more = null;
        var decoded = false;
        var expected = ExpectedLargeBlocks();
        while (true)
        {
            while (_ready.Reader.TryRead(out var block))
            {
                pending.Add(block);
                expected.Remove(block.DumpId);
            }

            // Slots left free wait for the largest tables still decoding; once the decode ended nothing more comes.
            var ahead = decoded ? [] : expected.Values.OrderDescending().ToList();
            var waiting = 0;
            while (running.Count + waiting < _jobs && pending.Count > 0)
            {
                if (TakeBatch(pending, ahead, waiting) is { } batch) running.Add(RunBatchAsync(batch, ct));
                else waiting++;
            }

            // A slot no data can use now adds the foreign keys whose tables have both committed. One such pg_restore at a
            // time: each key locks both its tables until its transaction ends, so two at once could each wait for the other.
            if (running.Count + waiting < _jobs && !foreignKeys.IsEmpty && keysRunning is not { IsCompleted: false }
                && foreignKeys.TakeReady(DoneNow()) is { Count: > 0 } ready)
            {
                keysRunning = RunForeignKeysAsync(ready, ct);
                running.Add(keysRunning);
            }

            if (decoded && pending.Count == 0 && running.Count == 0) return;
            if (!decoded) more ??= _ready.Reader.WaitToReadAsync(ct).AsTask();
            var first = await Task.WhenAny(more is null ? running : [.. running, more]).ConfigureAwait(false);
            if (first == more)
            {
                decoded = !await more.ConfigureAwait(false);
                more = null;
                continue;
            }
            running.Remove(first);
            await first.ConfigureAwait(false);
        }
    }

    private HashSet<int> DoneNow()
    {
        lock (_gate) return [.. _restored, .. _builtAfterData];
    }

    /// <summary>
    /// The manifest's sizes of the tables not decoded yet, by dump id: only those of at least <see cref="MinBatchBytes"/>,
    /// since only a large table is worth a slot's wait (the TOC is known once the schema was created).
    /// </summary>
    private Dictionary<int, long> ExpectedLargeBlocks()
    {
        var expected = new Dictionary<int, long>();
        if (_expectedBytes is null) return expected;
        foreach (var e in Observer.Toc)
        {
            if (e.IsTableData && e.Namespace is not null && e.Tag is not null
                && _expectedBytes.TryGetValue(new TableName(e.Namespace, e.Tag).Qualified, out var bytes) && bytes >= MinBatchBytes)
                expected[e.DumpId] = bytes;
        }

        // Blocks decoded before now are still in the channel; the loop takes them off as it reads them.
        return expected;
    }

    /// <summary>
    /// What a free slot loads: nothing yet (null) when a table still decoding is larger than every decoded one and the
    /// slots already waiting have not claimed it (<paramref name="ahead"/>, largest first; <paramref name="waiting"/> of
    /// them are claimed), else <see cref="TakeBatch(List{DumpDataBlock})"/>.
    /// </summary>
    internal static List<DumpDataBlock>? TakeBatch(List<DumpDataBlock> pending, IReadOnlyList<long> ahead, int waiting)
    {
        if (waiting < ahead.Count && ahead[waiting] > pending.Max(b => b.Length)) return null;
        return TakeBatch(pending);
    }

    /// <summary>
    /// The largest block first, as pg_restore -j orders its items, so the biggest table does not run alone at the end;
    /// small blocks go together up to <see cref="MinBatchBytes"/>, so a schema of many small tables does not start a
    /// pg_restore each. Within a batch the blocks keep their order in the file.
    /// </summary>
    internal static List<DumpDataBlock> TakeBatch(List<DumpDataBlock> pending)
    {
        pending.Sort((a, b) => b.Length.CompareTo(a.Length));
        var take = 0;
        long bytes = 0;
        while (take < pending.Count && (take == 0 || bytes < MinBatchBytes))
        {
            bytes += pending[take].Length;
            take++;
        }
        var batch = pending.GetRange(0, take);
        pending.RemoveRange(0, take);
        batch.Sort((a, b) => a.Start.CompareTo(b.Start));
        return batch;
    }

    private async Task RunBatchAsync(List<DumpDataBlock> batch, CancellationToken ct)
    {
        // After the data, in the same transaction, each table's own indexes and constraints: pg_restore -L restores in the
        // list's order, and they need nothing from the pipe, so the data blocks stay the only thing fed, in file order.
        var after = batch.SelectMany(b => _postData?.GetValueOrDefault(b.DumpId) ?? []).ToList();
        var seconds = await RunListAsync(batch, after, ct).ConfigureAwait(false);
        LogBatch(_logger, _target.ToString(), batch.Count, batch.Sum(b => b.Length), after.Count, seconds);
        lock (_gate)
        {
            foreach (var b in batch) _restored.Add(b.DumpId);
            _builtAfterData.UnionWith(after);
            _restoredBytes += batch.Sum(b => b.Length);
        }

        _tablesLoaded?.Invoke(TablesOf(batch));
    }

    /// <summary>Foreign keys between committed tables, in one transaction: fed the header and TOC only, they read no data.</summary>
    private async Task RunForeignKeysAsync(List<int> keys, CancellationToken ct)
    {
        var seconds = await RunListAsync([], keys, ct).ConfigureAwait(false);
        LogForeignKeys(_logger, _target.ToString(), keys.Count, seconds);
        lock (_gate) _builtAfterData.UnionWith(keys);
    }

    /// <summary>One <c>pg_restore --single-transaction -L</c> of <paramref name="batch"/>'s data and then <paramref name="after"/>; its duration in seconds.</summary>
    private async Task<double> RunListAsync(List<DumpDataBlock> batch, List<int> after, CancellationToken ct)
    {
        var prefix = await PrefixAsync(ct).ConfigureAwait(false);
        var list = $"{_path}.data-{Interlocked.Increment(ref _batches)}.list";
        try
        {
            // Not cancellable: a write cancelled half-way would leave the file behind before the finally could see it.
            await File.WriteAllLinesAsync(list, batch.Select(b => b.DumpId).Concat(after).Select(id => id.ToString(CultureInfo.InvariantCulture)),
                CancellationToken.None).ConfigureAwait(false);
            // One transaction per batch: one commit for its tables instead of one each. The list alone says what is restored.
            string[] args = ["--exit-on-error", "--single-transaction", "--use-list=" + list];
            var started = Stopwatch.GetTimestamp();
            await using var process = _runner.Start(PgTool.PgRestore, _target, args, openStdin: true, client: _client);
            lock (_gate) _running.Add(process);
            try
            {
                ExceptionDispatchInfo? fed = null;
                try
                {
                    await FeedAsync(process.StandardInput, prefix, batch, ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    // pg_restore stopped reading: it failed and its exit says why; if it did not, this is the error.
                    fed = ExceptionDispatchInfo.Capture(e);
                }
                await process.WaitForSuccessAsync(ct).ConfigureAwait(false);
                fed?.Throw();
            }
            finally
            {
                lock (_gate) _running.Remove(process);
            }
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            File.Delete(list);
        }
    }

    private List<TableName> TablesOf(List<DumpDataBlock> batch)
    {
        var ids = batch.Select(b => b.DumpId).ToHashSet();
        return [.. Observer.Toc.Where(e => ids.Contains(e.DumpId) && e.Namespace is not null && e.Tag is not null)
            .Select(e => new TableName(e.Namespace!, e.Tag!))];
    }

    /// <summary>The archive's header and TOC, read once: they were written before any block, and nothing rewrites them while batches run.</summary>
    private async Task<byte[]> PrefixAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _prefix) is { } known) return known;
        var prefix = new byte[checked((int)Observer.DataStart)];
        await using var file = OpenStaged();
        await file.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
        Volatile.Write(ref _prefix, prefix);
        return prefix;
    }

    private async Task FeedAsync(Stream stdin, byte[] prefix, List<DumpDataBlock> batch, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 << 10);
        try
        {
            await stdin.WriteAsync(prefix, ct).ConfigureAwait(false);
            await using var file = OpenStaged();
            foreach (var block in batch)
            {
                file.Position = block.Start;
                for (var left = block.Length; left > 0;)
                {
                    var n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
                    if (n == 0) throw new IOException($"The staging file '{_path}' ends inside the data block of dump id {block.DumpId}.");
                    await stdin.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    left -= n;
                }
            }
            await stdin.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private FileStream OpenStaged() =>
        new(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);

    public async ValueTask DisposeAsync()
    {
        if (!_loop.IsCompleted) await AbortAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 4315, Level = LogLevel.Information, Message = "Restore into {Database}: loaded {Tables} tables ({Bytes} bytes of the dump) and built {IndexesAndConstraints} of their indexes and constraints in {Seconds:F2} s")]
    private static partial void LogBatch(ILogger logger, string database, int tables, long bytes, int indexesAndConstraints, double seconds);

    [LoggerMessage(EventId = 4317, Level = LogLevel.Information, Message = "Restore into {Database}: added {ForeignKeys} foreign keys between tables already committed in {Seconds:F2} s")]
    private static partial void LogForeignKeys(ILogger logger, string database, int foreignKeys, double seconds);
}
