using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace BackupFunctions.Durable.Store.Postgres;

/// <summary>
/// All SQL of the engine for one task hub. Locks are leases (<c>locked_by</c>, <c>lock_expires</c>)
/// computed and compared on the database clock only; the application clock is never used for them.
/// </summary>
internal sealed class PostgresStore : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions EventJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] TerminalStatuses = ["Completed", "Failed", "Terminated"];

    private readonly NpgsqlDataSource _dataSource;

    // Lease bookkeeping (lock, renew, release) commits asynchronously: a lease lost in a database
    // crash only means the work is picked up again, and every write that matters is fenced.
    private readonly NpgsqlDataSource _leaseSource;

    // Orchestration steps and activity results: durable by default, see DurableTaskOptions.WorkerSynchronousCommit.
    private readonly NpgsqlDataSource _workerSource;
    private readonly bool _ownsDataSource;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public PostgresStore(DurableTaskOptions options)
    {
        options.Validate();
        Options = options;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var asyncCommit = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        asyncCommit.Options = ((asyncCommit.Options ?? "") + " -c synchronous_commit=off").Trim();
        _leaseSource = NpgsqlDataSource.Create(asyncCommit.ConnectionString);
        _workerSource = options.WorkerSynchronousCommit ? _dataSource : _leaseSource;
        _ownsDataSource = true;
        S = options.SchemaName;
        OrchestrationChannel = S + "_orch";
        ActivityChannel = S + "_act";
    }

    public DurableTaskOptions Options { get; }

    public string S { get; }

    public string OrchestrationChannel { get; }

    public string ActivityChannel { get; }

    public NpgsqlDataSource DataSource => _dataSource;

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
            await _leaseSource.DisposeAsync();
        }
    }

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            if (!_schemaReady)
            {
                await PostgresSchema.EnsureAsync(_dataSource, S, ct);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    internal static string Ser(HistoryEvent e) => JsonSerializer.Serialize(e, EventJson);

    internal static HistoryEvent De(string json) => JsonSerializer.Deserialize<HistoryEvent>(json, EventJson)!;

    internal static string StatusText(OrchestrationRuntimeStatus s) => s.ToString();

    internal static OrchestrationRuntimeStatus ParseStatus(string s) => Enum.Parse<OrchestrationRuntimeStatus>(s);

    // ------------------------------------------------------------------ client side

    /// <summary>Creates (or restarts a finished) instance and queues its ExecutionStarted, in one transaction.</summary>
    /// <returns>Null when created; otherwise the status of the existing instance that blocked the start.</returns>
    public async Task<OrchestrationRuntimeStatus?> CreateInstanceAsync(
        string instanceId, string name, string? input, DateTime? startAt, IReadOnlyDictionary<string, string>? tags,
        IReadOnlyCollection<OrchestrationRuntimeStatus> dedupeStatuses, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        if (await TryCreateNewInstanceAsync(instanceId, name, input, startAt, tags, ct))
        {
            return null;
        }

        for (var attempt = 0; ; attempt++)
        {
            await using var conn = await _dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            string? existing;
            await using (var cmd = new NpgsqlCommand($"SELECT status FROM {S}.instances WHERE instance_id = @id FOR UPDATE", conn, tx))
            {
                cmd.Parameters.AddWithValue("id", instanceId);
                existing = (string?)await cmd.ExecuteScalarAsync(ct);
            }

            if (existing is not null && dedupeStatuses.Contains(ParseStatus(existing)))
            {
                await tx.RollbackAsync(ct);
                return ParseStatus(existing);
            }

            var executionId = Guid.NewGuid().ToString("N");
            var started = new HistoryEvent
            {
                EventType = HistoryEventType.ExecutionStarted,
                Timestamp = DateTime.UtcNow,
                Name = name,
                Input = input,
                InstanceId = instanceId,
                ExecutionId = executionId,
                Tags = tags,
                ScheduledStartTime = startAt,
            };
            var tagsJson = tags is null ? null : JsonSerializer.Serialize(tags);
            var sql = existing is null
                ? $"""
                   INSERT INTO {S}.instances (instance_id, execution_id, name, status, input, tags, scheduled_start_at)
                   VALUES (@id, @exec, @name, 'Pending', @input, @tags, @startAt);
                   """
                : $"""
                   DELETE FROM {S}.history WHERE instance_id = @id;
                   DELETE FROM {S}.messages WHERE instance_id = @id;
                   DELETE FROM {S}.tasks WHERE instance_id = @id;
                   DELETE FROM {S}.activity_progress WHERE instance_id = @id;
                   UPDATE {S}.instances SET execution_id = @exec, name = @name, status = 'Pending', input = @input, output = NULL,
                       custom_status = NULL, failure = NULL, tags = @tags, parent_instance_id = NULL, created_at = now(),
                       last_updated_at = now(), completed_at = NULL, scheduled_start_at = @startAt, history_length = 0,
                       locked_by = NULL, lock_expires = NULL, dequeue_count = 0, last_error = NULL
                   WHERE instance_id = @id;
                   """;
            sql += $"""
                    INSERT INTO {S}.messages (instance_id, execution_id, event_type, visible_at, data)
                    VALUES (@id, @exec, 'ExecutionStarted', coalesce(@startAt, now()), @data::jsonb);
                    SELECT pg_notify('{OrchestrationChannel}', '');
                    """;
            await using (var cmd = new NpgsqlCommand(sql, conn, tx))
            {
                cmd.Parameters.AddWithValue("id", instanceId);
                cmd.Parameters.AddWithValue("exec", executionId);
                cmd.Parameters.AddWithValue("name", name);
                cmd.Parameters.Add(new NpgsqlParameter("input", NpgsqlDbType.Text) { Value = (object?)input ?? DBNull.Value });
                cmd.Parameters.Add(new NpgsqlParameter("tags", NpgsqlDbType.Jsonb) { Value = (object?)tagsJson ?? DBNull.Value });
                cmd.Parameters.Add(new NpgsqlParameter("startAt", NpgsqlDbType.TimestampTz) { Value = (object?)startAt ?? DBNull.Value });
                cmd.Parameters.AddWithValue("data", Ser(started));
                try
                {
                    await cmd.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                    return null;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
                {
                    // Two starts with one id raced; the loser re-reads the winner's status.
                    await tx.RollbackAsync(ct);
                }
            }
        }
    }

    /// <summary>The common case in one statement: the id is new. False when it exists (then the careful path decides).</summary>
    private async Task<bool> TryCreateNewInstanceAsync(
        string instanceId, string name, string? input, DateTime? startAt, IReadOnlyDictionary<string, string>? tags, CancellationToken ct)
    {
        var executionId = Guid.NewGuid().ToString("N");
        var started = new HistoryEvent
        {
            EventType = HistoryEventType.ExecutionStarted,
            Timestamp = DateTime.UtcNow,
            Name = name,
            Input = input,
            InstanceId = instanceId,
            ExecutionId = executionId,
            Tags = tags,
            ScheduledStartTime = startAt,
        };
        await using var cmd = _dataSource.CreateCommand(
            $"""
             WITH ins AS (
                 INSERT INTO {S}.instances (instance_id, execution_id, name, status, input, tags, scheduled_start_at)
                 VALUES (@id, @exec, @name, 'Pending', @input, @tags, @startAt)
                 ON CONFLICT (instance_id) DO NOTHING
                 RETURNING instance_id),
             msg AS (
                 INSERT INTO {S}.messages (instance_id, execution_id, event_type, visible_at, data)
                 SELECT instance_id, @exec, 'ExecutionStarted', coalesce(@startAt, now()), @data::jsonb FROM ins
                 RETURNING 1)
             SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('{OrchestrationChannel}', '') END FROM msg
             """);
        cmd.Parameters.AddWithValue("id", instanceId);
        cmd.Parameters.AddWithValue("exec", executionId);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.Add(new NpgsqlParameter("input", NpgsqlDbType.Text) { Value = (object?)input ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("tags", NpgsqlDbType.Jsonb) { Value = tags is null ? DBNull.Value : JsonSerializer.Serialize(tags) });
        cmd.Parameters.Add(new NpgsqlParameter("startAt", NpgsqlDbType.TimestampTz) { Value = (object?)startAt ?? DBNull.Value });
        cmd.Parameters.AddWithValue("data", Ser(started));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct)) > 0;
    }

    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool withPayloads, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var cmd = _dataSource.CreateCommand(
            $"""
             SELECT instance_id, name, status, created_at, last_updated_at, scheduled_start_at, execution_id,
                    {(withPayloads ? "input, output" : "NULL::text, NULL::text")}, custom_status, failure::text, tags::text, parent_instance_id
             FROM {S}.instances WHERE instance_id = @id
             """);
        cmd.Parameters.AddWithValue("id", instanceId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadMetadata(r) : null;
    }

    public async Task<List<OrchestrationMetadata>> QueryAsync(OrchestrationQuery q, (DateTime Created, string Id)? after, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var statuses = q.Statuses?.Select(StatusText).ToArray();
        await using var cmd = _dataSource.CreateCommand(
            $"""
             SELECT instance_id, name, status, created_at, last_updated_at, scheduled_start_at, execution_id,
                    {(q.FetchInputsAndOutputs ? "input, output" : "NULL::text, NULL::text")}, custom_status, failure::text, tags::text, parent_instance_id
             FROM {S}.instances
             WHERE (@from::timestamptz IS NULL OR created_at >= @from)
               AND (@to::timestamptz IS NULL OR created_at <= @to)
               AND (@statuses::text[] IS NULL OR status = ANY(@statuses))
               AND (@prefix::text IS NULL OR starts_with(instance_id, @prefix))
               AND (@afterCreated::timestamptz IS NULL OR (created_at, instance_id) > (@afterCreated, @afterId))
             ORDER BY created_at, instance_id
             LIMIT @limit
             """);
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)q.CreatedFrom?.UtcDateTime ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)q.CreatedTo?.UtcDateTime ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)statuses ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = (object?)q.InstanceIdPrefix ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("afterCreated", NpgsqlDbType.TimestampTz) { Value = after is null ? DBNull.Value : after.Value.Created });
        cmd.Parameters.Add(new NpgsqlParameter("afterId", NpgsqlDbType.Text) { Value = after is null ? DBNull.Value : after.Value.Id });
        cmd.Parameters.AddWithValue("limit", q.PageSize + 1);
        var list = new List<OrchestrationMetadata>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(ReadMetadata(r));
        }

        return list;
    }

    private OrchestrationMetadata ReadMetadata(NpgsqlDataReader r) => new(r.GetString(1), r.GetString(0))
    {
        RuntimeStatus = ParseStatus(r.GetString(2)),
        CreatedAt = new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero),
        LastUpdatedAt = new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero),
        ScheduledStartAt = r.IsDBNull(5) ? null : new DateTimeOffset(r.GetDateTime(5), TimeSpan.Zero),
        ExecutionId = r.GetString(6),
        SerializedInput = r.IsDBNull(7) ? null : r.GetString(7),
        SerializedOutput = r.IsDBNull(8) ? null : r.GetString(8),
        SerializedCustomStatus = r.IsDBNull(9) ? null : r.GetString(9),
        FailureDetails = r.IsDBNull(10) ? null : JsonSerializer.Deserialize<TaskFailureDetails>(r.GetString(10), EventJson),
        Tags = r.IsDBNull(11) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(11))!,
        ParentInstanceId = r.IsDBNull(12) ? null : r.GetString(12),
        DataConverter = Options.DataConverter,
    };

    public async Task<List<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var cmd = _dataSource.CreateCommand(
            $"""
             SELECT h.data::text FROM {S}.history h
             JOIN {S}.instances i ON i.instance_id = h.instance_id AND i.execution_id = h.execution_id
             WHERE h.instance_id = @id ORDER BY h.sequence
             """);
        cmd.Parameters.AddWithValue("id", instanceId);
        var list = new List<HistoryEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(De(r.GetString(0)) with { IsPlayed = true });
        }

        return list;
    }

    /// <summary>Queues a control or event message for an instance unless it has finished.</summary>
    /// <returns>The instance's status, or null when there is no such instance.</returns>
    public async Task<OrchestrationRuntimeStatus?> SendToInstanceAsync(string instanceId, HistoryEvent e, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var cmd = _dataSource.CreateCommand(
            $"""
             WITH i AS (SELECT status FROM {S}.instances WHERE instance_id = @id),
             ins AS (
                 INSERT INTO {S}.messages (instance_id, execution_id, event_type, data)
                 SELECT @id, NULL, @type, @data::jsonb FROM i WHERE i.status NOT IN ('Completed', 'Failed', 'Terminated')
                 RETURNING 1)
             SELECT i.status, CASE WHEN EXISTS (SELECT 1 FROM ins) THEN pg_notify('{OrchestrationChannel}', '') END FROM i
             """);
        cmd.Parameters.AddWithValue("id", instanceId);
        cmd.Parameters.AddWithValue("type", e.EventType.ToString());
        cmd.Parameters.AddWithValue("data", Ser(e));
        var status = (string?)await cmd.ExecuteScalarAsync(ct);
        return status is null ? null : ParseStatus(status);
    }

    /// <summary>Deletes finished instances (and all their rows) in one transaction; returns how many.</summary>
    public async Task<int> PurgeAsync(string? instanceId, PurgeInstancesFilter? filter, int batchSize, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        var statuses = (filter?.Statuses?.Select(StatusText) ?? TerminalStatuses).Intersect(TerminalStatuses).ToArray();
        await using var cmd = _dataSource.CreateCommand(
            $"""
             WITH s AS (
                 SELECT instance_id FROM {S}.instances
                 WHERE status = ANY(@statuses)
                   AND (@id::text IS NULL OR instance_id = @id)
                   AND (@from::timestamptz IS NULL OR created_at >= @from)
                   AND (@to::timestamptz IS NULL OR created_at <= @to)
                   AND (lock_expires IS NULL OR lock_expires < now())
                 ORDER BY created_at LIMIT @batch
                 FOR UPDATE SKIP LOCKED),
             d AS (DELETE FROM {S}.instances WHERE instance_id IN (SELECT instance_id FROM s) RETURNING instance_id),
             h AS (DELETE FROM {S}.history WHERE instance_id IN (SELECT instance_id FROM d)),
             m AS (DELETE FROM {S}.messages WHERE instance_id IN (SELECT instance_id FROM d)),
             t AS (DELETE FROM {S}.tasks WHERE instance_id IN (SELECT instance_id FROM d)),
             p AS (DELETE FROM {S}.activity_progress WHERE instance_id IN (SELECT instance_id FROM d))
             SELECT count(*) FROM d
             """);
        cmd.Parameters.AddWithValue("statuses", statuses);
        cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = (object?)instanceId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)filter?.CreatedFrom?.UtcDateTime ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)filter?.CreatedTo?.UtcDateTime ?? DBNull.Value });
        cmd.Parameters.AddWithValue("batch", batchSize);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    // ------------------------------------------------------------------ orchestration dispatch

    /// <summary>Leases up to <paramref name="max"/> instances that have visible work, in one statement.</summary>
    public async Task<List<OrchestrationWorkItem>> LockOrchestrationsAsync(string workerId, TimeSpan lease, int max, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             WITH c AS (
                 SELECT i.instance_id FROM {S}.instances i
                 WHERE i.status IN ('Pending', 'Running', 'Suspended')
                   AND (i.lock_expires IS NULL OR i.lock_expires < now())
                   AND EXISTS (
                       SELECT 1 FROM {S}.messages m
                       WHERE m.instance_id = i.instance_id AND m.visible_at <= now()
                         AND CASE i.status
                               WHEN 'Pending' THEN m.event_type IN ('ExecutionStarted', 'ExecutionTerminated')
                               WHEN 'Suspended' THEN m.event_type IN ('ExecutionResumed', 'ExecutionTerminated')
                               ELSE true END)
                 ORDER BY i.last_updated_at LIMIT @max
                 FOR UPDATE OF i SKIP LOCKED)
             UPDATE {S}.instances i SET locked_by = @w, lock_expires = now() + @lease, dequeue_count = i.dequeue_count + 1
             FROM c WHERE i.instance_id = c.instance_id
             RETURNING i.instance_id, i.execution_id, i.name, i.status, i.dequeue_count, i.history_length, now(), i.last_error, i.parent_instance_id
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("max", max);
        var items = new List<OrchestrationWorkItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(new OrchestrationWorkItem(
                r.GetString(0), r.GetString(1), r.GetString(2), ParseStatus(r.GetString(3)), r.GetInt32(4), r.GetInt32(5),
                DateTime.SpecifyKind(r.GetDateTime(6), DateTimeKind.Utc), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)));
        }

        return items;
    }

    /// <summary>Reads a leased instance's visible inbox and, unless cached, its history.</summary>
    public async Task LoadAsync(OrchestrationWorkItem item, int maxMessages, Func<string, string, int, List<HistoryEvent>?> cachedHistory, CancellationToken ct)
    {
        await using var conn = await _leaseSource.OpenConnectionAsync(ct);
        item.History = cachedHistory(item.InstanceId, item.ExecutionId, item.HistoryLength);
        await using var batch = new NpgsqlBatch(conn);
        var msgCmd = new NpgsqlBatchCommand(
            $"""
             SELECT id, execution_id, data::text FROM {S}.messages
             WHERE instance_id = @id AND visible_at <= now()
               AND CASE @status
                     WHEN 'Pending' THEN true
                     WHEN 'Suspended' THEN event_type IN ('ExecutionResumed', 'ExecutionTerminated')
                     ELSE true END
             ORDER BY id LIMIT @max
             """);
        msgCmd.Parameters.AddWithValue("id", item.InstanceId);
        msgCmd.Parameters.AddWithValue("status", item.Status.ToString());
        msgCmd.Parameters.AddWithValue("max", maxMessages);
        batch.BatchCommands.Add(msgCmd);
        if (item.History is null)
        {
            var histCmd = new NpgsqlBatchCommand($"SELECT data::text FROM {S}.history WHERE instance_id = @id AND execution_id = @exec ORDER BY sequence");
            histCmd.Parameters.AddWithValue("id", item.InstanceId);
            histCmd.Parameters.AddWithValue("exec", item.ExecutionId);
            batch.BatchCommands.Add(histCmd);
        }

        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                try
                {
                    item.Messages.Add(new InboxMessage(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), De(r.GetString(2))));
                }
                catch (JsonException ex)
                {
                    item.UnreadableMessageIds.Add(r.GetInt64(0));
                    item.UnreadableError = ex;
                }
            }

            if (item.History is null)
            {
                await r.NextResultAsync(ct);
                var history = new List<HistoryEvent>(item.HistoryLength);
                while (await r.ReadAsync(ct))
                {
                    history.Add(De(r.GetString(0)) with { IsPlayed = true });
                }

                item.History = history;
            }
        }

    }

    /// <summary>
    /// Commits one orchestration step atomically. Returns false (and changes nothing) when this worker
    /// no longer holds the instance, the execution changed, or another worker already wrote the step.
    /// </summary>
    public async Task<bool> CommitStepAsync(string workerId, OrchestrationWorkItem item, StepCommit step, CancellationToken ct)
    {
        await using var conn = await _workerSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx);

        var fence = Cmd(batch, $"SELECT 1 FROM {S}.instances WHERE instance_id = @id AND execution_id = @exec AND locked_by = @w FOR UPDATE");
        fence.Parameters.AddWithValue("id", item.InstanceId);
        fence.Parameters.AddWithValue("exec", item.ExecutionId);
        fence.Parameters.AddWithValue("w", workerId);

        if (step.History.Count > 0 && step.NewExecutionId is null)
        {
            var h = Cmd(batch,
                $"""
                 INSERT INTO {S}.history (instance_id, execution_id, sequence, event_type, event_id, timestamp, data)
                 SELECT @id, @exec, s, t, e, ts, d::jsonb FROM unnest(@seq, @types, @eids, @ts, @data) AS x(s, t, e, ts, d)
                 """);
            h.Parameters.AddWithValue("id", item.InstanceId);
            h.Parameters.AddWithValue("exec", item.ExecutionId);
            h.Parameters.AddWithValue("seq", Enumerable.Range(item.HistoryLength, step.History.Count).ToArray());
            h.Parameters.AddWithValue("types", step.History.Select(e => e.EventType.ToString()).ToArray());
            h.Parameters.AddWithValue("eids", step.History.Select(e => e.EventId).ToArray());
            h.Parameters.Add(new NpgsqlParameter("ts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = step.History.Select(e => DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)).ToArray() });
            h.Parameters.AddWithValue("data", step.History.Select(Ser).ToArray());
        }

        NpgsqlBatchCommand? delete = null;
        if (step.ConsumedMessageIds.Count > 0)
        {
            delete = Cmd(batch, $"DELETE FROM {S}.messages WHERE id = ANY(@ids)");
            delete.Parameters.AddWithValue("ids", step.ConsumedMessageIds.ToArray());
        }

        if (step.EndsExecution)
        {
            var cleanup = Cmd(batch,
                $"""
                 DELETE FROM {S}.messages WHERE instance_id = @id AND execution_id = @exec
                 """);
            cleanup.Parameters.AddWithValue("id", item.InstanceId);
            cleanup.Parameters.AddWithValue("exec", item.ExecutionId);
            var cleanupTasks = Cmd(batch, $"DELETE FROM {S}.tasks WHERE instance_id = @id AND execution_id = @exec");
            cleanupTasks.Parameters.AddWithValue("id", item.InstanceId);
            cleanupTasks.Parameters.AddWithValue("exec", item.ExecutionId);
            var cleanupProgress = Cmd(batch, $"DELETE FROM {S}.activity_progress WHERE instance_id = @id AND execution_id = @exec");
            cleanupProgress.Parameters.AddWithValue("id", item.InstanceId);
            cleanupProgress.Parameters.AddWithValue("exec", item.ExecutionId);
            if (step.NewExecutionId is not null)
            {
                var cleanupHistory = Cmd(batch, $"DELETE FROM {S}.history WHERE instance_id = @id AND execution_id = @exec");
                cleanupHistory.Parameters.AddWithValue("id", item.InstanceId);
                cleanupHistory.Parameters.AddWithValue("exec", item.ExecutionId);
            }
        }

        if (step.Tasks.Count > 0)
        {
            var t = Cmd(batch,
                $"""
                 INSERT INTO {S}.tasks (instance_id, execution_id, event_id, name, input, attempt, progress_key)
                 SELECT @id, @exec, e, n, i, a, p FROM unnest(@eids, @names, @inputs, @attempts, @pkeys) AS x(e, n, i, a, p)
                 ON CONFLICT (instance_id, execution_id, event_id) DO NOTHING
                 """);
            t.Parameters.AddWithValue("id", item.InstanceId);
            t.Parameters.AddWithValue("exec", item.ExecutionId);
            t.Parameters.AddWithValue("eids", step.Tasks.Select(x => x.EventId).ToArray());
            t.Parameters.AddWithValue("names", step.Tasks.Select(x => x.Name).ToArray());
            t.Parameters.AddWithValue("inputs", step.Tasks.Select(x => x.Input).ToArray());
            t.Parameters.AddWithValue("attempts", step.Tasks.Select(x => x.Attempt).ToArray());
            t.Parameters.AddWithValue("pkeys", step.Tasks.Select(x => x.ProgressKey).ToArray());
        }

        if (step.Children.Count > 0)
        {
            // A child id that exists and is finished is restarted; one still running is left alone.
            var c = Cmd(batch,
                $"""
                 INSERT INTO {S}.instances (instance_id, execution_id, name, status, input, parent_instance_id)
                 SELECT i, e, n, 'Pending', inp, p FROM unnest(@ids, @execs, @names, @inputs, @parents) AS x(i, e, n, inp, p)
                 ON CONFLICT (instance_id) DO UPDATE SET execution_id = excluded.execution_id, name = excluded.name, status = 'Pending',
                     input = excluded.input, output = NULL, custom_status = NULL, failure = NULL, parent_instance_id = excluded.parent_instance_id,
                     created_at = now(), last_updated_at = now(), completed_at = NULL, history_length = 0, dequeue_count = 0, last_error = NULL
                 WHERE {S}.instances.status IN ('Completed', 'Failed', 'Terminated')
                 """);
            c.Parameters.AddWithValue("ids", step.Children.Select(x => x.InstanceId).ToArray());
            c.Parameters.AddWithValue("execs", step.Children.Select(x => x.ExecutionId).ToArray());
            c.Parameters.AddWithValue("names", step.Children.Select(x => x.Name).ToArray());
            c.Parameters.AddWithValue("inputs", step.Children.Select(x => x.Input).ToArray());
            c.Parameters.AddWithValue("parents", step.Children.Select(x => x.ParentInstanceId).ToArray());
        }

        if (step.Messages.Count > 0)
        {
            var m = Cmd(batch,
                $"""
                 INSERT INTO {S}.messages (instance_id, execution_id, event_type, visible_at, data)
                 SELECT i, e, t, coalesce(v, now()), d::jsonb FROM unnest(@ids, @execs, @types, @vis, @data) AS x(i, e, t, v, d)
                 """);
            m.Parameters.AddWithValue("ids", step.Messages.Select(x => x.InstanceId).ToArray());
            m.Parameters.AddWithValue("execs", step.Messages.Select(x => x.ExecutionId).ToArray());
            m.Parameters.AddWithValue("types", step.Messages.Select(x => x.Event.EventType.ToString()).ToArray());
            m.Parameters.Add(new NpgsqlParameter("vis", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = step.Messages.Select(x => x.VisibleAt is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : (DateTime?)null).ToArray() });
            m.Parameters.AddWithValue("data", step.Messages.Select(x => Ser(x.Event)).ToArray());
        }

        var terminal = step.Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
        var update = Cmd(batch,
            $"""
             UPDATE {S}.instances SET
                 status = @status,
                 custom_status = CASE WHEN @csSet THEN @cs ELSE custom_status END,
                 output = CASE WHEN @ends THEN @output ELSE output END,
                 failure = CASE WHEN @ends THEN @failure::jsonb ELSE failure END,
                 execution_id = coalesce(@newExec, execution_id),
                 input = CASE WHEN @newExec IS NULL THEN input ELSE @newInput END,
                 history_length = @hlen,
                 last_updated_at = now(),
                 completed_at = CASE WHEN @ends AND @terminal THEN now() ELSE completed_at END,
                 locked_by = NULL, lock_expires = NULL, dequeue_count = 0, last_error = NULL
             WHERE instance_id = @id
             """);
        update.Parameters.AddWithValue("id", item.InstanceId);
        update.Parameters.AddWithValue("status", step.Status.ToString());
        update.Parameters.AddWithValue("csSet", step.CustomStatusSet);
        update.Parameters.Add(new NpgsqlParameter("cs", NpgsqlDbType.Text) { Value = (object?)step.CustomStatus ?? DBNull.Value });
        update.Parameters.AddWithValue("terminal", terminal);
        update.Parameters.AddWithValue("ends", step.EndsExecution);
        update.Parameters.Add(new NpgsqlParameter("output", NpgsqlDbType.Text) { Value = (object?)step.Output ?? DBNull.Value });
        update.Parameters.Add(new NpgsqlParameter("failure", NpgsqlDbType.Text) { Value = step.Failure is null ? DBNull.Value : JsonSerializer.Serialize(step.Failure, EventJson) });
        update.Parameters.Add(new NpgsqlParameter("newExec", NpgsqlDbType.Text) { Value = (object?)step.NewExecutionId ?? DBNull.Value });
        update.Parameters.Add(new NpgsqlParameter("newInput", NpgsqlDbType.Text) { Value = (object?)step.NewInput ?? DBNull.Value });
        update.Parameters.AddWithValue("hlen", step.NewExecutionId is not null ? 0 : item.HistoryLength + step.History.Count);

        var notify = new List<string>();
        if (step.Messages.Count > 0)
        {
            notify.Add($"pg_notify('{OrchestrationChannel}', '')");
        }

        if (step.Tasks.Count > 0)
        {
            notify.Add($"pg_notify('{ActivityChannel}', '')");
        }

        if (step.NotifySelf && step.Messages.Count == 0)
        {
            notify.Add($"pg_notify('{OrchestrationChannel}', '')");
        }

        if (notify.Count > 0)
        {
            Cmd(batch, "SELECT " + string.Join(", ", notify));
        }

        try
        {
            var fenced = false;
            await using (var r = await batch.ExecuteReaderAsync(ct))
            {
                fenced = await r.ReadAsync(ct);
                while (await r.NextResultAsync(ct))
                {
                }
            }

            if (!fenced || (delete is not null && delete.RecordsAffected != step.ConsumedMessageIds.Count))
            {
                await tx.RollbackAsync(ct);
                return false;
            }

            await tx.CommitAsync(ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The history key is the idempotency key: someone already wrote this step.
            await tx.RollbackAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>Gives the instance back after a failed step; the dequeue count stays up and a short back-off applies.</summary>
    public async Task AbandonOrchestrationAsync(string workerId, string instanceId, string error, TimeSpan backoff, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"UPDATE {S}.instances SET locked_by = NULL, lock_expires = now() + @backoff, last_error = @err WHERE instance_id = @id AND locked_by = @w");
        cmd.Parameters.AddWithValue("id", instanceId);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("err", error);
        cmd.Parameters.AddWithValue("backoff", backoff);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Seconds until the next message becomes visible (a timer), on the database clock; null if none.</summary>
    public async Task<TimeSpan?> TimeToNextVisibleAsync(CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             SELECT extract(epoch FROM least(
                 (SELECT min(visible_at) FROM {S}.messages WHERE visible_at > now()),
                 (SELECT min(lock_expires) FROM {S}.instances WHERE locked_by IS NULL AND lock_expires > now())) - now())
             """);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is null or DBNull ? null : TimeSpan.FromSeconds(Convert.ToDouble(v));
    }

    // ------------------------------------------------------------------ activity dispatch

    public async Task<List<ActivityWorkItem>> LockTasksAsync(string workerId, TimeSpan lease, int max, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             WITH c AS (
                 SELECT id FROM {S}.tasks
                 WHERE visible_at <= now() AND (locked_by IS NULL OR lock_expires < now())
                 ORDER BY id LIMIT @max
                 FOR UPDATE SKIP LOCKED)
             UPDATE {S}.tasks t SET locked_by = @w, lock_expires = now() + @lease, dequeue_count = t.dequeue_count + 1
             FROM c WHERE t.id = c.id
             RETURNING t.id, t.instance_id, t.execution_id, t.event_id, t.name, t.input, t.attempt, t.progress_key, t.dequeue_count,
                       t.created_at, clock_timestamp(),
                       (SELECT p.progress FROM {S}.activity_progress p
                        WHERE p.instance_id = t.instance_id AND p.execution_id = t.execution_id AND p.progress_key = t.progress_key)
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("max", max);
        var list = new List<ActivityWorkItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new ActivityWorkItem(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetInt32(6), r.GetInt32(7), r.GetInt32(8),
                DateTime.SpecifyKind(r.GetDateTime(9), DateTimeKind.Utc), DateTime.SpecifyKind(r.GetDateTime(10), DateTimeKind.Utc),
                r.IsDBNull(11) ? null : r.GetString(11)));
        }

        return list;
    }

    /// <summary>
    /// Applies activity results: each task row is deleted (only if this worker still holds it) and its
    /// completion message inserted in the same statement, so a result is delivered at most once per task.
    /// </summary>
    public async Task<int> CompleteTasksAsync(string workerId, IReadOnlyList<ActivityCompletion> completions, CancellationToken ct)
    {
        await using var cmd = _workerSource.CreateCommand(
            $"""
             WITH c AS (SELECT * FROM unnest(@ids, @types, @data) AS c(id, event_type, data)),
             d AS (DELETE FROM {S}.tasks t USING c WHERE t.id = c.id AND t.locked_by = @w RETURNING t.id, t.instance_id, t.execution_id),
             ins AS (
                 INSERT INTO {S}.messages (instance_id, execution_id, event_type, data)
                 SELECT d.instance_id, d.execution_id, c.event_type, c.data::jsonb FROM d JOIN c ON c.id = d.id ORDER BY d.id
                 RETURNING 1)
             SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('{OrchestrationChannel}', '') END FROM ins
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("ids", completions.Select(c => c.TaskId).ToArray());
        cmd.Parameters.AddWithValue("types", completions.Select(c => c.Event.EventType.ToString()).ToArray());
        cmd.Parameters.AddWithValue("data", completions.Select(c => Ser(c.Event)).ToArray());
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>Extends the leases of running tasks; returns the ids this worker still holds.</summary>
    public async Task<HashSet<long>> RenewTasksAsync(string workerId, long[] ids, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"UPDATE {S}.tasks SET lock_expires = now() + @lease WHERE id = ANY(@ids) AND locked_by = @w RETURNING id");
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("ids", ids);
        cmd.Parameters.AddWithValue("lease", lease);
        var held = new HashSet<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            held.Add(r.GetInt64(0));
        }

        return held;
    }

    /// <summary>Renews one task's lease and stores its progress; false when the lease is lost.</summary>
    public async Task<bool> HeartbeatAsync(string workerId, long taskId, string? progress, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             WITH r AS (
                 UPDATE {S}.tasks SET lock_expires = now() + @lease WHERE id = @id AND locked_by = @w
                 RETURNING instance_id, execution_id, progress_key)
             INSERT INTO {S}.activity_progress (instance_id, execution_id, progress_key, progress, updated_at)
             SELECT instance_id, execution_id, progress_key, @p, now() FROM r
             ON CONFLICT (instance_id, execution_id, progress_key) DO UPDATE SET progress = excluded.progress, updated_at = now()
             RETURNING 1
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("id", taskId);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = (object?)progress ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Hands tasks back without counting the attempt (graceful shutdown, not a crash).</summary>
    public async Task AbandonTasksAsync(string workerId, long[] ids, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             UPDATE {S}.tasks SET locked_by = NULL, lock_expires = NULL, dequeue_count = greatest(dequeue_count - 1, 0)
             WHERE id = ANY(@ids) AND locked_by = @w;
             SELECT pg_notify('{ActivityChannel}', '');
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        cmd.Parameters.AddWithValue("ids", ids);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Releases every lease this worker holds, so other workers take over at once.</summary>
    public async Task ReleaseAllAsync(string workerId, CancellationToken ct)
    {
        await using var cmd = _leaseSource.CreateCommand(
            $"""
             UPDATE {S}.tasks SET locked_by = NULL, lock_expires = NULL, dequeue_count = greatest(dequeue_count - 1, 0) WHERE locked_by = @w;
             UPDATE {S}.instances SET locked_by = NULL, lock_expires = NULL, dequeue_count = greatest(dequeue_count - 1, 0) WHERE locked_by = @w;
             SELECT pg_notify('{ActivityChannel}', ''), pg_notify('{OrchestrationChannel}', '');
             """);
        cmd.Parameters.AddWithValue("w", workerId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Cmd(NpgsqlBatch batch, string sql)
    {
        var c = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(c);
        return c;
    }
}
