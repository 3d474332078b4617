using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// The per-database admission limit on the shipped host, as processes over a real control database, task hub and
/// targets. While the test holds an ACCESS EXCLUSIVE lock on the source's table, pg_dump waits for it, so no admitted
/// run can finish during the burst and the count of admitted runs is exact, not a race.
/// </summary>
public sealed class AdmissionLimitTests
{
    private const int Burst = 200;
    private const int Limit = 2;

    [Fact]
    public async Task Two_hundred_concurrent_starts_admit_exactly_the_limit_refuse_the_rest_with_429_and_admit_again_once_the_runs_finish()
    {
        await using var env = await Env.CreateAsync();
        await using var host = await HostProcess.StartAsync(env.Settings(), HostEntry.Product);
        var answers = await env.BurstAsync([host]);

        AssertExactlyTheLimitAdmitted(answers);

        // The runs finish once the lock goes; then the database has room again.
        await env.UnlockAsync();
        using var client = host.Client(TestKeys.Function);
        foreach (var admitted in answers.Where(a => a.Status == HttpStatusCode.Accepted))
        {
            await client.StatusUntilAsync(admitted.StatusPath!, "Completed");
        }

        var again = await client.PostAsync("/api/backups", HttpJson.Body("{}"));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await client.StatusUntilAsync(new Uri((await again.JsonAsync()).Str("statusQueryGetUri")).PathAndQuery, "Completed");
    }

    [Fact]
    public async Task Two_host_processes_sharing_one_control_database_together_admit_exactly_the_limit()
    {
        await using var env = await Env.CreateAsync();
        await using var first = await HostProcess.StartAsync(env.Settings(), HostEntry.Product);
        await using var second = await HostProcess.StartAsync(env.Settings(), HostEntry.Product);

        var answers = await env.BurstAsync([first, second]);

        AssertExactlyTheLimitAdmitted(answers);
        // Both hosts answered, and both refused: the limit is the control database's, not a host's.
        Assert.All(new[] { first, second }, h => Assert.Contains(answers, a => a.Host == h && a.Status == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task The_slots_of_a_killed_host_run_out_after_the_lease_when_no_host_renews_them()
    {
        await using var env = await Env.CreateAsync();
        // Short, so the test does not wait long for the dead host's slots, but long enough that the live host's renewals
        // (every third of it) keep its own slots on a loaded machine: at 3 s one late renewal lost a slot in CI.
        var settings = env.Settings().With("BackupFunctions:Admission:Lease", "00:00:09");
        string[] held;
        await using (var doomed = await HostProcess.StartAsync(settings, HostEntry.Product))
        {
            using var client = doomed.Client(TestKeys.Function);
            held = [await StartedIdAsync(client), await StartedIdAsync(client)];
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/api/backups", HttpJson.Body("{}"))).StatusCode);
            doomed.Kill();
        }

        // Nothing renews the dead host's slots, so by the control database's clock they run out.
        await Polling.UntilAsync(() => env.Control.ScalarAsync<long>("SELECT count(*) FROM bf_catalog.admissions WHERE expires_at > now()"),
            n => n == 0, "the dead host's admission leases to run out", maxSeconds: 120);

        await using var next = await HostProcess.StartAsync(settings, HostEntry.Product);
        using var nextClient = next.Client(TestKeys.Function);
        // The killed host's runs are still in the hub (blocked on the lock), yet they no longer hold the database.
        foreach (var id in held)
        {
            var status = await (await nextClient.GetAsync($"/runtime/webhooks/durabletask/instances/{id}")).JsonAsync();
            Assert.Contains(status.Str("runtimeStatus"), new[] { "Pending", "Running" });
        }

        Assert.Equal(HttpStatusCode.Accepted, (await nextClient.PostAsync("/api/backups", HttpJson.Body("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await nextClient.PostAsync("/api/backups", HttpJson.Body("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await nextClient.PostAsync("/api/backups", HttpJson.Body("{}"))).StatusCode);
    }

    private static async Task<string> StartedIdAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/backups", HttpJson.Body("{}"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).Str("id");
    }

    private static void AssertExactlyTheLimitAdmitted(IReadOnlyList<Answer> answers)
    {
        Assert.Equal(Burst, answers.Count);
        Assert.DoesNotContain(answers, a => (int)a.Status >= 500);
        Assert.Equal(Limit, answers.Count(a => a.Status == HttpStatusCode.Accepted));
        var refused = answers.Where(a => a.Status != HttpStatusCode.Accepted).ToList();
        Assert.All(refused, a =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, a.Status);
            Assert.True(a.RetryAfterSeconds > 0, "a 429 without a Retry-After");
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.Equal(429, a.Problem!.Value.GetProperty("status").GetInt32());
            Assert.Contains("MaxRunsPerDatabase is 2", a.Problem.Value.Str("detail"));
        });
    }

    private sealed record Answer(HostProcess Host, HttpStatusCode Status, int RetryAfterSeconds, string? ContentType, JsonElement? Problem, string? StatusPath);

    /// <summary>A source with a locked table, a control database, real targets and a task hub, for hosts limited to <see cref="Limit"/> runs.</summary>
    private sealed class Env : IAsyncDisposable
    {
        private readonly TempDatabase _source;
        private readonly RealTargets _targets;
        private readonly TestHub _hub;
        private NpgsqlConnection? _lock;

        private Env(TempDatabase source, TempDatabase control, RealTargets targets, TestHub hub) =>
            (_source, Control, _targets, _hub) = (source, control, targets, hub);

        public TempDatabase Control { get; }

        public static async Task<Env> CreateAsync()
        {
            var source = await TempDatabase.CreateAsync("admsrc");
            await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 100);");
            var env = new Env(source, await TempDatabase.CreateAsync("admctl"), await RealTargets.CreateAsync(source.Name), new TestHub());
            // Held until UnlockAsync: pg_dump (and so every admitted run) waits for it.
            env._lock = new NpgsqlConnection(source.ConnectionString);
            await env._lock.OpenAsync();
            await using var cmd = new NpgsqlCommand("BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE;", env._lock);
            await cmd.ExecuteNonQueryAsync();
            return env;
        }

        public Dictionary<string, string?> Settings() =>
            HostSettings.For(Control.ConnectionString, _hub.Name, productWorkflows: true).WithOptions(_targets.Options)
                .With("BackupFunctions:Admission:MaxRunsPerDatabase", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Sends <see cref="Burst"/> starts at once, spread over the hosts in turn.</summary>
        public async Task<IReadOnlyList<Answer>> BurstAsync(IReadOnlyList<HostProcess> hosts)
        {
            var clients = hosts.Select(h =>
            {
                var c = new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
                c.DefaultRequestHeaders.Add("x-functions-key", TestKeys.Function);
                return c;
            }).ToArray();
            try
            {
                var calls = Enumerable.Range(0, Burst).Select(async i =>
                {
                    var host = hosts[i % hosts.Count];
                    using var response = await clients[i % hosts.Count].PostAsync("/api/backups", HttpJson.Body("{}"));
                    var body = await response.Content.ReadAsStringAsync();
                    JsonElement? json = body.Length > 0 ? JsonDocument.Parse(body).RootElement.Clone() : null;
                    var retryAfter = response.Headers.RetryAfter?.Delta is { } d ? (int)d.TotalSeconds : 0;
                    var statusPath = response.StatusCode == HttpStatusCode.Accepted ? new Uri(json!.Value.Str("statusQueryGetUri")).PathAndQuery : null;
                    return new Answer(host, response.StatusCode, retryAfter, response.Content.Headers.ContentType?.MediaType,
                        response.StatusCode == HttpStatusCode.Accepted ? null : json, statusPath);
                });
                return await Task.WhenAll(calls);
            }
            finally
            {
                foreach (var c in clients)
                {
                    c.Dispose();
                }
            }
        }

        public async Task UnlockAsync()
        {
            if (_lock is not null)
            {
                await _lock.DisposeAsync();
                _lock = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await UnlockAsync();
            await _hub.DisposeAsync();
            await _targets.DisposeAsync();
            await Control.DisposeAsync();
            await _source.DisposeAsync();
        }
    }
}
