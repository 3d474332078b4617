using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using Npgsql;

namespace BackupFunctions.Workflows.Activities;

public sealed record PostChecksRequest(string TargetConnectionString, string Database);

/// <summary>
/// Runs the configured post-restore checks (BackupFunctions:DisasterRecovery:PostChecks) in the
/// restored database. Each must return exactly one value, true; anything else, or an error, fails
/// that check. The results are returned, not thrown, so the report lists every check.
/// </summary>
public sealed class RunPostChecks(BackupFunctionsOptions options, BackupEnvironment env, ActivityLimits limits) : BoundedActivity<PostChecksRequest, IReadOnlyList<PostCheckResult>>(limits)
{
    protected override Task<IReadOnlyList<PostCheckResult>> RunAsync(ActivityRun context, PostChecksRequest input) =>
        ActivityFailures.RunAsync<IReadOnlyList<PostCheckResult>>(async () =>
        {
            var checks = options.DisasterRecovery.PostChecks;
            var results = new List<PostCheckResult>();
            if (checks.Count == 0)
            {
                return results;
            }

            var target = env.Passwords.Apply(PgConnectionInfo.FromConnectionString(input.TargetConnectionString).WithDatabase(input.Database));
            await using var conn = await new DatabaseInspector(target).OpenAsync(context.CancellationToken);
            for (var i = 0; i < checks.Count; i++)
            {
                var name = string.IsNullOrWhiteSpace(checks[i].Name) ? $"check {i + 1}" : checks[i].Name;
                results.Add(await RunOneAsync(conn, name, checks[i].Sql, context.CancellationToken));
            }

            return results;
        });

    private static async Task<PostCheckResult> RunOneAsync(NpgsqlConnection conn, string name, string sql, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return new PostCheckResult(name, false, null, "no SQL configured");
        }

        try
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.FieldCount != 1)
            {
                return new PostCheckResult(name, false, null, "the query must return exactly one value");
            }

            var value = reader.IsDBNull(0) ? null : reader.GetValue(0);
            var more = await reader.ReadAsync(ct);
            var text = value?.ToString() ?? "null";
            if (more)
            {
                return new PostCheckResult(name, false, text, "the query returned more than one row");
            }

            return value is true
                ? new PostCheckResult(name, true, text, null)
                : new PostCheckResult(name, false, text, $"expected true, got {text}");
        }
        catch (PostgresException e)
        {
            return new PostCheckResult(name, false, null, e.MessageText);
        }
    }
}
