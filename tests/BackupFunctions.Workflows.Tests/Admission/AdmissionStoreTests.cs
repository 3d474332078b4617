using BackupFunctions.Testing;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Admission;

/// <summary>
/// The per-database limit's slots on a real PostgreSQL: the count holds under concurrent admissions from separate
/// stores (as separate hosts would be), ended runs give their slots back, leases nobody renews run out, and a
/// schedule's run is counted but never refused.
/// </summary>
public sealed class AdmissionStoreTests
{
    private static AdmissionStore Store(TempDatabase control, int max = 2, TimeSpan? lease = null) =>
        new(NpgsqlDataSource.Create(control.ConnectionString), "bf_catalog",
            new AdmissionOptions { MaxRunsPerDatabase = max, Lease = lease ?? TimeSpan.FromMinutes(5) });

    private static RunStateProbe All(RunState state) => (_, _) => Task.FromResult(state);

    [Fact]
    public async Task Concurrent_admissions_from_four_stores_on_one_control_database_admit_exactly_the_limit_per_database()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var stores = Enumerable.Range(0, 4).Select(_ => Store(control, max: 3)).ToArray();
        var attempts = Enumerable.Range(0, 80).Select(i =>
            stores[i % stores.Length].TryAdmitAsync(i % 2 == 0 ? "orders" : "billing", $"run-{i}", CancellationToken.None));
        var decisions = await Task.WhenAll(attempts);

        Assert.Equal(6, decisions.Count(d => d.Admitted));
        Assert.Equal(3L, await control.ScalarAsync<long>("SELECT count(*) FROM bf_catalog.admissions WHERE database_name = 'orders'"));
        Assert.Equal(3L, await control.ScalarAsync<long>("SELECT count(*) FROM bf_catalog.admissions WHERE database_name = 'billing'"));
        // A refusal names the runs that hold the slots.
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.Equal(3, d.Holders.Count));
    }

    [Fact]
    public async Task The_keeper_frees_the_slots_of_ended_runs_and_keeps_those_of_running_ones()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var store = Store(control, max: 2);
        Assert.True((await store.TryAdmitAsync("orders", "done", CancellationToken.None)).Admitted);
        Assert.True((await store.TryAdmitAsync("orders", "going", CancellationToken.None)).Admitted);
        Assert.False((await store.TryAdmitAsync("orders", "third", CancellationToken.None)).Admitted);

        var keeper = new AdmissionLeaseKeeper(store);
        var (renewed, released) = await keeper.RunOnceAsync((id, _) => Task.FromResult(id == "done" ? RunState.Finished : RunState.Running), CancellationToken.None);

        Assert.Equal((1, 1), (renewed, released));
        Assert.True((await store.TryAdmitAsync("orders", "third", CancellationToken.None)).Admitted);
        Assert.False((await store.TryAdmitAsync("orders", "fourth", CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task A_run_the_hub_does_not_know_keeps_its_slot_through_the_start_grace()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var store = Store(control, max: 1);
        Assert.True((await store.TryAdmitAsync("orders", "just-admitted", CancellationToken.None)).Admitted);

        // Admitted a moment ago and not scheduled yet: freeing it would let a second run in.
        var (_, released) = await new AdmissionLeaseKeeper(store).RunOnceAsync(All(RunState.Unknown), CancellationToken.None);
        Assert.Equal(0, released);

        // Admitted longer ago than the grace and still unknown to the hub: a start that failed, so the slot goes.
        await control.ExecuteAsync("UPDATE bf_catalog.admissions SET admitted_at = now() - interval '10 minutes'");
        (_, released) = await new AdmissionLeaseKeeper(store).RunOnceAsync(All(RunState.Unknown), CancellationToken.None);
        Assert.Equal(1, released);
    }

    [Fact]
    public async Task A_lease_nobody_renews_runs_out_and_renewing_does_not_bring_it_back()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var store = Store(control, max: 1, lease: TimeSpan.FromSeconds(1));
        Assert.True((await store.TryAdmitAsync("orders", "of-a-dead-host", CancellationToken.None)).Admitted);
        Assert.False((await store.TryAdmitAsync("orders", "refused", CancellationToken.None)).Admitted);

        // No host renews it (they all died): by the database's clock it runs out.
        await WaitForAsync(control, "SELECT count(*) = 0 FROM bf_catalog.admissions WHERE expires_at > now()");
        await store.RenewAsync(["of-a-dead-host"], CancellationToken.None);

        Assert.True((await store.TryAdmitAsync("orders", "after-expiry", CancellationToken.None)).Admitted);
        Assert.Equal(["after-expiry"], await InstanceIdsAsync(control));
    }

    [Fact]
    public async Task Renewing_moves_a_live_lease_forward_by_the_lease()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var store = Store(control, max: 1, lease: TimeSpan.FromMinutes(5));
        await store.TryAdmitAsync("orders", "run", CancellationToken.None);
        await control.ExecuteAsync("UPDATE bf_catalog.admissions SET expires_at = now() + interval '10 seconds'");

        await store.RenewAsync(["run"], CancellationToken.None);

        Assert.True(await control.ScalarAsync<bool>("SELECT expires_at > now() + interval '4 minutes' FROM bf_catalog.admissions"));
    }

    [Fact]
    public async Task A_scheduled_run_is_counted_even_over_the_limit_and_once_per_instance()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var options = new BackupFunctionsOptions { Control = { ConnectionString = control.ConnectionString } };
        options.Admission.MaxRunsPerDatabase = 1;
        var store = new AdmissionStore(NpgsqlDataSource.Create(control.ConnectionString), "bf_catalog", options.Admission);
        var admission = new BackupAdmission(store, options);
        var request = new BackupRequest { Database = "orders" };
        Assert.Null(await admission.AdmitAsync(request, "manual", All(RunState.Running), CancellationToken.None));

        await admission.CountScheduledAsync(request, "sched-1", CancellationToken.None);
        await admission.CountScheduledAsync(request, "sched-1", CancellationToken.None);

        Assert.Equal(["manual", "sched-1"], await InstanceIdsAsync(control));
        var refusal = await admission.AdmitAsync(request, "manual-2", All(RunState.Running), CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("'orders'", refusal);
        Assert.Contains("sched-1", refusal);
    }

    [Fact]
    public async Task A_full_database_whose_holders_have_ended_admits_at_once_without_waiting_for_the_keeper()
    {
        await using var control = await TempDatabase.CreateAsync("adm");
        var options = new BackupFunctionsOptions { Control = { ConnectionString = control.ConnectionString } };
        options.Admission.MaxRunsPerDatabase = 1;
        var admission = new BackupAdmission(new AdmissionStore(NpgsqlDataSource.Create(control.ConnectionString), "bf_catalog", options.Admission), options);
        var request = new BackupRequest { Database = "orders" };
        Assert.Null(await admission.AdmitAsync(request, "first", All(RunState.Running), CancellationToken.None));
        Assert.NotNull(await admission.AdmitAsync(request, "second", All(RunState.Running), CancellationToken.None));

        Assert.Null(await admission.AdmitAsync(request, "second", All(RunState.Finished), CancellationToken.None));
        Assert.Equal(["second"], await InstanceIdsAsync(control));
    }

    private static async Task<string[]> InstanceIdsAsync(TempDatabase control)
    {
        await using var conn = new NpgsqlConnection(control.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT instance_id FROM bf_catalog.admissions ORDER BY instance_id", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await r.ReadAsync())
        {
            ids.Add(r.GetString(0));
        }

        return [.. ids];
    }

    private static async Task WaitForAsync(TempDatabase control, string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await control.ScalarAsync<bool>(condition))
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up after 60 s waiting for: {condition}");
            await Task.Delay(200);
        }
    }
}
