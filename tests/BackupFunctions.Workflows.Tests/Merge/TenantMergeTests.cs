using BackupFunctions.Testing;
using BackupFunctions.Workflows.Restore.Merge;

namespace BackupFunctions.Workflows.Tests.Merge;

/// <summary>
/// Merging acme's tenant backup into a database that holds globex and initech: acme's rows arrive
/// exactly, the others' rows do not change, sequences never move backwards, and every refusal or
/// failure leaves the target as it was.
/// </summary>
public sealed class TenantMergeTests(TenantMergeFixture fx) : IClassFixture<TenantMergeFixture>
{
    private const string Others = "tenant_id <> 'acme'";
    private const string AcmeOnly = "tenant_id = 'acme'";

    [Fact]
    public async Task Merge_adds_exactly_the_tenants_rows_leaves_the_others_alone_and_never_moves_sequences_back()
    {
        // customers' identity stands at 60, below acme's keys (61–100): it must rise. addresses' sequence
        // stands at 500, above the backup's 140: applying the archive's SEQUENCE SET would move it back.
        var target = await fx.CreateTargetAsync("SELECT setval('app.addresses_id_seq', 500);");
        var othersBefore = await fx.FingerprintAsync(target, Others);
        var env = fx.Environment();

        var result = await new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("acme", result.TenantId);
        Assert.Equal(["app.customers", "app.addresses"], result.LoadOrder);
        Assert.Equal(TenantMergeSchema.AcmeCustomers + TenantMergeSchema.AcmeAddresses, result.RowsMerged);
        var customers = Assert.Single(result.Checks, c => c.Table == "app.customers");
        Assert.Equal((40L, 40L, 0L, 60L, 60L), (customers.Expected, customers.Merged, customers.TenantBefore, customers.OthersBefore, customers.OthersAfter));
        var addresses = Assert.Single(result.Checks, c => c.Table == "app.addresses");
        Assert.Equal((80L, 80L, 60L, 140L), (addresses.Expected, addresses.Merged, addresses.TotalBefore, addresses.TotalAfter));
        var plans = Assert.Single(result.Checks, c => c.Table == "app.plans");
        Assert.True(plans.Shared);
        Assert.Equal((0L, 2L, 2L), (plans.Merged, plans.TotalBefore, plans.TotalAfter));
        Assert.Contains(result.Warnings, w => w.Contains("app.plans") && w.Contains("shared"));
        Assert.Contains(result.Warnings, w => w.Contains("SEQUENCE SET"));

        Assert.Equal(await fx.FingerprintAsync(fx.Source, AcmeOnly), await fx.FingerprintAsync(target, AcmeOnly));
        Assert.Equal(othersBefore, await fx.FingerprintAsync(target, Others));

        Assert.Equal(500L, await target.ScalarAsync<long>("SELECT last_value FROM app.addresses_id_seq"));
        var customerId = await target.ScalarAsync<long>("INSERT INTO app.customers (tenant_id, name, plan_id) VALUES ('globex', 'new', 1) RETURNING id");
        Assert.Equal(101L, customerId);
        var addressId = await target.ScalarAsync<long>(
            $"INSERT INTO app.addresses (tenant_id, customer_id, city) VALUES ('globex', {customerId}, 'new') RETURNING id");
        Assert.Equal(501L, addressId);
    }

    [Fact]
    public async Task Merge_is_refused_naming_the_tables_when_the_tenant_already_has_rows_and_nothing_changes()
    {
        var target = await fx.CreateTargetAsync("INSERT INTO app.customers (id, tenant_id, name, plan_id) VALUES (1000, 'acme', 'already here', 1);");
        var before = await fx.FingerprintAsync(target, "true");
        var env = fx.Environment();

        var e = await Assert.ThrowsAsync<TenantMergeRefusedException>(() =>
            new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false));

        Assert.Contains("acme", e.Message);
        Assert.Contains("app.customers (1 rows)", e.Message);
        Assert.DoesNotContain("app.addresses", e.Message);
        Assert.Contains("replace", e.Message);
        Assert.Equal(before, await fx.FingerprintAsync(target, "true"));
    }

    [Fact]
    public async Task Merge_that_replaces_deletes_only_the_tenants_rows_in_the_same_transaction()
    {
        var target = await fx.CreateTargetAsync("""
            INSERT INTO app.customers (id, tenant_id, name, plan_id) VALUES (1000, 'acme', 'stale', 1);
            INSERT INTO app.addresses (id, tenant_id, customer_id, city) VALUES (1000, 'acme', 1000, 'stale');
            """);
        var othersBefore = await fx.FingerprintAsync(target, Others);
        var env = fx.Environment();

        var result = await new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: true);

        Assert.True(result.Succeeded, result.Error);
        Assert.True(result.Replaced);
        Assert.Equal(1L, result.Checks.Single(c => c.Table == "app.customers").Deleted);
        Assert.Equal(await fx.FingerprintAsync(fx.Source, AcmeOnly), await fx.FingerprintAsync(target, AcmeOnly));
        Assert.Equal(othersBefore, await fx.FingerprintAsync(target, Others));
    }

    [Fact]
    public async Task A_failure_in_the_middle_of_the_load_leaves_the_target_as_it_was()
    {
        // acme's customers load first; then one of acme's addresses breaks a constraint only the target has.
        var target = await fx.CreateTargetAsync("ALTER TABLE app.addresses ADD CONSTRAINT no_second_100 CHECK (city <> 'second 100');");
        var before = await fx.FingerprintAsync(target, "true");
        var env = fx.Environment();

        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false));

        Assert.Contains("no_second_100", e.Message);
        Assert.Equal(before, await fx.FingerprintAsync(target, "true"));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM app.customers WHERE tenant_id = 'acme'"));
    }

    [Fact]
    public async Task Merge_is_refused_when_the_target_lacks_a_table_the_backup_holds_rows_of()
    {
        var target = await fx.CreateTargetAsync("DROP TABLE app.addresses;");
        var before = await target.ScalarAsync<string>("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) FROM app.customers t");
        var env = fx.Environment();

        var e = await Assert.ThrowsAsync<TenantMergeRefusedException>(() =>
            new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false));

        Assert.Contains("lacks app.addresses", e.Message);
        Assert.Equal(before, await target.ScalarAsync<string>("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) FROM app.customers t"));
    }

    [Fact]
    public async Task A_row_count_that_differs_after_the_load_rolls_the_merge_back_and_reports_the_table()
    {
        // A trigger of the target's own adds a shared row for every customer loaded: "other rows" change.
        var target = await fx.CreateTargetAsync("""
            CREATE FUNCTION app.add_plan() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN INSERT INTO app.plans VALUES (1000 + NEW.id, 'side effect'); RETURN NEW; END $$;
            CREATE TRIGGER add_plan AFTER INSERT ON app.customers FOR EACH ROW EXECUTE FUNCTION app.add_plan();
            """);
        var before = await fx.FingerprintAsync(target, "true");
        var env = fx.Environment();

        var result = await new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false);

        Assert.False(result.Succeeded);
        Assert.Contains("app.plans", result.Error);
        var plans = Assert.Single(result.Checks, c => c.Table == "app.plans");
        Assert.Equal((2L, 42L), (plans.OthersBefore, plans.OthersAfter));
        Assert.Equal(before, await fx.FingerprintAsync(target, "true"));
    }

    [Fact]
    public async Task Merge_is_refused_when_no_table_of_the_target_has_row_level_security()
    {
        var target = await fx.CreateTargetAsync("ALTER TABLE app.customers DISABLE ROW LEVEL SECURITY; ALTER TABLE app.addresses DISABLE ROW LEVEL SECURITY;");
        var before = await fx.FingerprintAsync(target, "true");
        var env = fx.Environment();

        var e = await Assert.ThrowsAsync<TenantMergeRefusedException>(() =>
            new TenantMergeRunner(env).RunAsync(fx.Backup, env.Source().WithDatabase(target.Name), replaceTenantRows: false));

        Assert.Contains("row-level security", e.Message);
        Assert.Equal(before, await fx.FingerprintAsync(target, "true"));
    }
}
