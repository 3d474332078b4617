using System.Text.RegularExpressions;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace BackupFunctions.Host.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) against the real host, with its task hub on
/// Azurite, the catalog in PostgreSQL and three real targets: an operator's whole round, page by page, each page
/// saved as a screenshot. What the page shows is checked against the catalog and the databases, not against itself.
/// </summary>
public sealed class DashboardJourneyTests
{
    private const int Rows = 120;
    private const float LongRun = 300_000;

    [Fact]
    public async Task An_admin_backs_up_restores_into_scratch_acknowledges_an_alert_and_approves_a_dr_from_the_dashboard()
    {
        await using var source = await TempDatabase.CreateAsync("dash");
        await source.ExecuteAsync($"CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, {Rows}) g;");
        await using var control = await TempDatabase.CreateAsync("dashctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        await using var fresh = await EmbeddedPostgres.StartAsync(16);
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var catalog = host.Services.GetRequiredService<IBackupCatalog>();
        var alertId = await catalog.RaiseAlertAsync("warning", "dashboard.check",
            "A copy could not be re-read during the integrity check; " + new string('x', 200), "dashboard-check", null);
        await using var browser = await DashboardBrowser.OpenAsync(host.BaseAddress);
        var page = browser.Page;

        // Sign in: the key goes to session storage, never into the address.
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("01-sign-in");
        await browser.SignInAsync(TestKeys.Admin, "alice");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("health-score")).ToHaveTextAsync(new Regex("^[0-9]+$"));
        Assert.DoesNotContain(TestKeys.Admin, page.Url, StringComparison.Ordinal);
        await browser.ScreenshotAsync("02-dashboard");

        // Manual backup, followed until it completes.
        await browser.GoAsync("#/backup/new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start backup" }).ClickAsync();
        await Expect(page.GetByText("Finished: completed")).ToBeVisibleAsync(new() { Timeout = LongRun });
        await browser.ScreenshotAsync("03-manual-backup-completed");
        var backup = Assert.Single(await catalog.ListBackupsAsync());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open backup " + backup.BackupId })).ToBeVisibleAsync();

        // Its detail: the checksum and the three verified copies the catalog holds.
        await page.GetByRole(AriaRole.Link, new() { Name = "Open backup " + backup.BackupId }).ClickAsync();
        await Expect(page.GetByTestId("stored-sha256")).ToHaveTextAsync(backup.StoredSha256);
        var copies = page.GetByRole(AriaRole.Region, new() { Name = "Copies and verification" }).GetByRole(AriaRole.Row);
        await Expect(copies).ToHaveCountAsync(1 + backup.Copies.Count);
        Assert.Equal(3, backup.Copies.Count(c => c.Verified));
        var table = Assert.Single(backup.RowCounts);
        Assert.Equal(Rows, table.Value);
        var manifest = page.GetByRole(AriaRole.Region, new() { Name = "Manifest: tables and row counts" });
        await Expect(manifest.GetByRole(AriaRole.Row, new() { Name = $"{table.Key} {Rows}" })).ToBeVisibleAsync();
        var timeline = page.GetByRole(AriaRole.Region, new() { Name = "Orchestration timeline" });
        await Expect(timeline.GetByRole(AriaRole.Cell, new() { Name = "ExecutionCompleted" })).ToBeVisibleAsync();
        await Expect(timeline.GetByRole(AriaRole.Cell, new() { Name = "PreflightSource" }).First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("04-backup-detail");
        await browser.GoAsync("#/backups");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = backup.BackupId })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("05-backups");

        // The restore wizard into a scratch database, confirmed by typing the database's name.
        await browser.GoAsync("#/restore");
        await page.GetByLabel("Backup (with at least one verified copy)").SelectOptionAsync(backup.BackupId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByLabel("A scratch database", new() { Exact = false })).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        var restore = page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true });
        await page.GetByLabel("Type the database name", new() { Exact = false }).FillAsync(source.Name + "-not");
        await Expect(restore).ToBeDisabledAsync();
        await page.GetByLabel("Type the database name", new() { Exact = false }).FillAsync(source.Name);
        await browser.ScreenshotAsync("06-restore-confirm");
        await restore.ClickAsync();
        await Expect(page.GetByTestId("restore-result")).ToContainTextAsync("Result: succeeded", new() { Timeout = LongRun });
        await browser.ScreenshotAsync("07-restore-result");
        var run = Assert.Single(await catalog.ListRestoresAsync());
        try
        {
            Assert.True(run.Succeeded);
            Assert.Equal(Rows, await CountItemsAsync(TestServices.PgConnectionString(run.TargetDatabase)));
        }
        finally
        {
            await DropAsync(run.TargetDatabase);
        }

        await browser.GoAsync("#/restores");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = run.TargetDatabase })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("08-restore-history");

        // Acknowledge the alert; the catalog records who did.
        await browser.GoAsync("#/alerts");
        await browser.ScreenshotAsync("09-alerts");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge alert {alertId} (dashboard.check)" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Alert {alertId} acknowledged.");
        var acknowledged = Assert.Single(await catalog.ListAlertsAsync(includeAcknowledged: true), a => a.Id == alertId);
        Assert.Equal("alice", acknowledged.AcknowledgedBy);

        // Disaster recovery onto a fresh server: it waits for the approval, then restores.
        var server = new NpgsqlConnectionStringBuilder { Host = fresh.Host, Port = fresh.Port, Username = EmbeddedPostgres.User }.ConnectionString;
        await browser.GoAsync("#/dr");
        await page.GetByLabel("Backup id").FillAsync(backup.BackupId);
        await page.GetByLabel("New server connection string").FillAsync(server);
        await page.GetByLabel("Database to create").FillAsync("recovered");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start recovery" }).ClickAsync();
        var approve = page.GetByRole(AriaRole.Button, new() { Name = "Approve restore" });
        await Expect(approve).ToBeVisibleAsync(new() { Timeout = LongRun });
        await browser.ScreenshotAsync("10-dr-waiting-for-approval");
        Assert.False(await DatabaseExistsAsync(fresh, "recovered"), "nothing may be restored before the approval");
        await approve.ClickAsync();
        var summary = page.GetByTestId("dr-summary");
        await Expect(summary).ToContainTextAsync("report: succeeded", new() { Timeout = LongRun });
        await Expect(summary).ToContainTextAsync("approved by alice");
        await browser.ScreenshotAsync("11-dr-done");
        Assert.Equal(Rows, await CountItemsAsync(new NpgsqlConnectionStringBuilder(server) { Database = "recovered" }.ConnectionString));
    }

    private static async Task<long> CountItemsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM items", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> DatabaseExistsAsync(EmbeddedPostgres server, string database)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder { Host = server.Host, Port = server.Port, Username = EmbeddedPostgres.User, Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @d", connection);
        command.Parameters.AddWithValue("d", database);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task DropAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestServices.PgConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
