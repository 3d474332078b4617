using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Scripts;

/// <summary>
/// psql running a SQL script from its stdin into the target (<c>-X -q -v ON_ERROR_STOP=1
/// --single-transaction -f -</c>), fed through a <see cref="SqlScriptFilter"/> or unfiltered. The
/// script is committed only by <see cref="CommitAsync"/>, which closes psql's input: on any failure
/// the caller kills psql instead, so its transaction rolls back and the target is left as it was.
/// </summary>
internal sealed class PsqlSession : IAsyncDisposable
{
    private const int CopySize = 128 << 10;
    private readonly PgToolProcess _psql;
    private readonly Task _drainOutput;

    private PsqlSession(PgToolProcess psql, string versionText, SqlScriptFilter? filter)
    {
        _psql = psql;
        VersionText = versionText;
        Filter = filter;
        // Query results go to /dev/null, but anything psql still prints must not fill the pipe and stall it.
        _drainOutput = psql.StandardOutput.CopyToAsync(Stream.Null);
    }

    public string VersionText { get; }

    /// <summary>The filter the script passes through; null when it goes to psql as it is.</summary>
    public SqlScriptFilter? Filter { get; }

    /// <summary>psql's stderr lines so far (warnings; errors fail <see cref="CommitAsync"/>).</summary>
    public IReadOnlyList<string> StderrLines =>
        _psql.StderrExcerpt.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <param name="knownParameters">The server's parameters, to filter SET statements by; null sends the script unfiltered.</param>
    public static async Task<PsqlSession> StartAsync(PgToolRunner runner, PgConnectionInfo target, RestoreOptions options,
        PgClientInstallation client, IReadOnlySet<string>? knownParameters, CancellationToken ct)
    {
        var versionText = await runner.GetVersionAsync(PgTool.Psql, client, ct).ConfigureAwait(false);
        // A psql that predates \restrict rejects the first line of every script from a newer writer.
        var knowsRestrict = PgClientVersion.Parse(versionText)?.KnowsRestrictCommands ?? false;
        var filter = knownParameters is null ? null : new SqlScriptFilter(knownParameters, dropRestrictLines: !knowsRestrict);

        var args = new List<string> { "--no-psqlrc", "--quiet", "--output=/dev/null" };
        if (options.ExitOnError) args.Add("--set=ON_ERROR_STOP=1");
        if (options.SingleTransaction) args.Add("--single-transaction");
        args.Add("--file=-");
        var psql = runner.Start(PgTool.Psql, target, args, openStdin: true, client: client);
        return new PsqlSession(psql, versionText, filter);
    }

    /// <summary>
    /// Sends <paramref name="script"/> to psql, through the filter if there is one, without ending
    /// psql's input. Throws <see cref="ChildInputClosedException"/> when psql stops reading.
    /// </summary>
    public async Task PumpAsync(Stream script, CancellationToken ct)
    {
        var input = new ChildInputStream(_psql);
        if (Filter is null) await script.CopyToAsync(input, CopySize, ct).ConfigureAwait(false);
        else await Filter.CopyAsync(script, input, ct).ConfigureAwait(false);
    }

    /// <summary>Ends psql's input, so it commits, and waits for it to succeed.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        try { await _psql.StandardInput.DisposeAsync().ConfigureAwait(false); }
        catch (IOException) { /* psql exited already; its exit code and stderr say why */ }
        await _psql.WaitForSuccessAsync(ct).ConfigureAwait(false);
        await _drainOutput.ConfigureAwait(false);
    }

    /// <summary>psql stopped reading: its own error (it exits by itself), or an IOException if it reported none.</summary>
    public async Task<Exception> FailureAfterInputClosedAsync(Exception closed)
    {
        try
        {
            await _psql.WaitForSuccessAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (PgToolException e)
        {
            return e;
        }
        return new IOException("psql stopped reading the script before its end but reported no error.", closed.InnerException ?? closed);
    }

    /// <summary>Kills psql before it sees the end of its input: nothing of the script is committed.</summary>
    public void Abort() => _psql.Kill();

    public async ValueTask DisposeAsync()
    {
        await _psql.DisposeAsync().ConfigureAwait(false);
        try { await _drainOutput.ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { /* killed */ }
    }
}
