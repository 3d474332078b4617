using System.Net;
using System.Text.Json.Nodes;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackupFunctions.Host.Tests.Dashboard;

/// <summary>
/// The dashboard signed in with a function key, in a real browser against the real host and three real targets: no
/// admin action is offered (each page says why), a backup can still be started and followed, and the API refuses an
/// admin call made directly. The backup's detail shows the manifest as each target stores it (an altered one as
/// damaged) and, after an integrity run, the verification history the catalog recorded.
/// </summary>
public sealed class DashboardFunctionKeyTests
{
    private const float LongRun = 300_000;

    [Fact]
    public async Task A_function_key_is_offered_no_admin_action_yet_backs_up_and_reads_the_checks_and_stored_manifests()
    {
        await using var source = await TempDatabase.CreateAsync("dashro");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 30);");
        await using var control = await TempDatabase.CreateAsync("dashroctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var catalog = host.Services.GetRequiredService<IBackupCatalog>();
        var alertId = await catalog.RaiseAlertAsync("warning", "dashboard.readonly", "An alert a function key may read but not acknowledge.", "dashboard-readonly", null);
        await using var browser = await DashboardBrowser.OpenAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.SignInAsync(TestKeys.Function, "bob");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.Locator("#key-level")).ToHaveTextAsync("function key");

        // No admin action is offered, and each page says why.
        await browser.GoAsync("#/restore");
        await Expect(page.GetByTestId("admin-note")).ToContainTextAsync("Starting a restore needs the admin key");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true })).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("30-function-key-restore");
        await browser.GoAsync("#/dr");
        await Expect(page.GetByTestId("admin-note")).ToContainTextAsync("disaster recovery needs the admin key");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start recovery" })).ToHaveCountAsync(0);
        await browser.GoAsync("#/alerts");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "dashboard.readonly" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-note")).ToContainTextAsync("Acknowledging or resolving an alert needs the admin key");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = false })).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("31-function-key-alerts");

        // A backup can still be started and followed.
        await browser.GoAsync("#/backup/new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start backup" }).ClickAsync();
        await Expect(page.GetByText("Finished: completed")).ToBeVisibleAsync(new() { Timeout = LongRun });
        var backup = Assert.Single(await catalog.ListBackupsAsync());
        Assert.Equal(3, backup.Copies.Count(c => c.Verified));

        // The API refuses admin calls whatever the page shows.
        var direct = host.Client(TestKeys.Function);
        var restore = await direct.PostJsonAsync("/api/restores", new { backupId = backup.BackupId });
        Assert.Equal(HttpStatusCode.Forbidden, restore.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await direct.PostAsync($"/api/alerts/{alertId}/ack?by=bob", null)).StatusCode);
        Assert.Empty(await catalog.ListRestoresAsync());
        Assert.Null(Assert.Single(await catalog.ListAlertsAsync(), a => a.Id == alertId).AcknowledgedAt);

        // Alter the manifest in the directory target: its signature no longer verifies.
        var file = Path.Combine(targets.Root, "local", ManifestKey(backup, RealTargets.Local));
        var node = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        node["rowCounts"]!["public.items"] = 31;
        await File.WriteAllTextAsync(file, node.ToJsonString());

        // Opening the reader reads the first target's manifest; hold that answer back until after the one chosen next, as
        // a slow target would, so that the page must not let the earlier read overwrite the later.
        var first = backup.Copies[0].Target;
        Assert.NotEqual(RealTargets.Local, first);
        var laterAnswered = new TaskCompletionSource();
        await page.RouteAsync($"**/manifest?target={first}", async route =>
        {
            await laterAnswered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await route.ContinueAsync();
        });
        page.Response += (_, r) => { if (r.Url.EndsWith("target=" + RealTargets.Local, StringComparison.Ordinal)) laterAnswered.TrySetResult(); };
        var earlierFinished = page.WaitForRequestFinishedAsync(new() { Predicate = r => r.Url.EndsWith("target=" + first, StringComparison.Ordinal) });
        await page.GetByRole(AriaRole.Link, new() { Name = "Open backup " + backup.BackupId }).ClickAsync();
        // The history card above fills in when its read answers and moves what is below it: click only once it has.
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Verification history" }).GetByText("Loading…")).ToHaveCountAsync(0);
        var stored = page.GetByRole(AriaRole.Region, new() { Name = "Manifest as stored on a target" });
        await stored.GetByText("Read manifest.json from a target").ClickAsync();
        await Expect(stored.Locator("details").First).ToHaveAttributeAsync("open", "");
        await stored.GetByLabel("Target").SelectOptionAsync(RealTargets.Local);
        await Expect(stored.GetByTestId("manifest-problem")).ToContainTextAsync("damaged");
        await earlierFinished;
        // Give the page's handler of that earlier answer its turn before looking again.
        await page.EvaluateAsync("() => new Promise(done => setTimeout(done, 250))");
        await Expect(stored.GetByTestId("manifest-problem")).ToContainTextAsync("damaged");
        await page.UnrouteAllAsync();
        await browser.ScreenshotAsync("32-stored-manifest-damaged");
        await stored.GetByLabel("Target").SelectOptionAsync(RealTargets.S3);
        await Expect(stored.GetByTestId("manifest-verdict")).ToHaveTextAsync("Signed · valid for this backup");
        await stored.GetByText("manifest.json", new() { Exact = true }).ClickAsync();
        await Expect(stored.Locator("pre")).ToContainTextAsync(backup.StoredSha256);
        await browser.ScreenshotAsync("33-stored-manifest-signed");

        // The integrity check reads every copy of this backup, finds the altered manifest and repairs it from another target.
        var run = await host.Durable.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(backup.BackupId));
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var done = await host.Durable.WaitForInstanceCompletionAsync(run, getInputsAndOutputs: true, wait.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var checks = await catalog.ListVerificationsAsync(backup.BackupId);
        Assert.Contains(checks, c => c is { Target: RealTargets.Local, Result: "damaged" });
        // s3 and azure read intact, local damaged, then local intact again after its manifest was copied back.
        Assert.Equal(3, checks.Count(c => c.Kind == CatalogVerification.FullRead && c.Passed));

        await page.ReloadAsync();
        var history = page.GetByRole(AriaRole.Region, new() { Name = "Verification history" });
        await Expect(history.Locator("tbody tr")).ToHaveCountAsync(checks.Count);
        var damaged = history.Locator("tbody tr", new() { HasText = "damaged" });
        await Expect(damaged).ToHaveCountAsync(1);
        await Expect(damaged).ToContainTextAsync(RealTargets.Local);
        await Expect(damaged).ToContainTextAsync("full read");
        // The problem is long: collapsed to its first line, whole when opened.
        await damaged.Locator("details.long summary").ClickAsync();
        await Expect(damaged.Locator("details.long")).ToHaveAttributeAsync("open", "");
        await browser.ScreenshotAsync("34-verification-history");

        var repaired = page.GetByRole(AriaRole.Region, new() { Name = "Manifest as stored on a target" });
        await repaired.GetByText("Read manifest.json from a target").ClickAsync();
        await repaired.GetByLabel("Target").SelectOptionAsync(RealTargets.Local);
        await Expect(repaired.GetByTestId("manifest-verdict")).ToHaveTextAsync("Signed · valid for this backup");
        var timeline = page.GetByRole(AriaRole.Region, new() { Name = "Orchestration timeline" });
        await Expect(timeline.GetByRole(AriaRole.Cell, new() { Name = "ExecutionCompleted" })).ToBeVisibleAsync();
    }

    private static string ManifestKey(CatalogBackup backup, string target)
    {
        var artifact = Assert.Single(backup.Copies, c => c.Target == target).ObjectKey;
        return artifact[..artifact.LastIndexOf('/')] + "/manifest.json";
    }
}
