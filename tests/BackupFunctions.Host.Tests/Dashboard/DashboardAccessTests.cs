using System.Net;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackupFunctions.Host.Tests.Dashboard;

/// <summary>
/// The dashboard at phone width (390 px) with a function key: the sign-in refuses a wrong key, no page scrolls
/// sideways, admin actions are not offered (with a note why) and the API refuses them with 403. Scripts asking "/" for JSON keep
/// the answer they had.
/// </summary>
public sealed class DashboardAccessTests
{
    [Fact]
    public async Task At_phone_width_a_function_key_reads_every_page_and_is_not_offered_the_admin_only_acknowledge()
    {
        await using var source = await TempDatabase.CreateAsync("dashfk");
        await using var control = await TempDatabase.CreateAsync("dashfkctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var catalog = host.Services.GetRequiredService<IBackupCatalog>();
        var alertId = await catalog.RaiseAlertAsync("critical", "dashboard.phone", "A long alert message that should wrap rather than widen the page: "
            + string.Join(' ', Enumerable.Repeat("backup-20261205T020000Z-0123abcd-on-target-azure-failed", 6)), "dashboard-phone", null);

        var json = await host.Client().GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("self-hosted", (await json.JsonAsync()).Str("mode"));

        await using var browser = await DashboardBrowser.OpenAsync(host.BaseAddress, width: 390, height: 844);
        var page = browser.Page;
        await browser.SignInAsync("not-a-key", "bob");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('bf.key')"));

        await browser.SignInAsync(TestKeys.Function, "bob");
        await Expect(page.GetByTestId("health-score")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Next scheduled runs" }).GetByRole(AriaRole.Cell, new() { Name = "FullBackup", Exact = false }).First)
            .ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "dashboard");
        await browser.ScreenshotAsync("20-phone-dashboard");

        foreach (var (hash, heading, shot) in new[]
        {
            ("#/backups", "Backups", "21-phone-backups"), ("#/backup/new", "Manual backup", "22-phone-manual-backup"),
            ("#/restore", "Restore", "23-phone-restore"), ("#/dr", "Disaster recovery", "24-phone-dr"),
            ("#/restores", "Restore history", "25-phone-restore-history"),
        })
        {
            await browser.GoAsync(hash);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            await AssertNoSidewaysScrollAsync(page, hash);
            await browser.ScreenshotAsync(shot);
        }

        // The page learnt the key's level at sign-in: no Acknowledge button, a note why; the API refuses it anyway.
        await browser.GoAsync("#/alerts");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "dashboard.phone" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-note")).ToContainTextAsync("needs the admin key");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Acknowledge alert {alertId} (dashboard.phone)" })).ToHaveCountAsync(0);
        await AssertNoSidewaysScrollAsync(page, "alerts");
        await browser.ScreenshotAsync("26-phone-alerts-function-key");
        var refused = await host.Client(TestKeys.Function).PostAsync($"/api/alerts/{alertId}/ack?by=bob", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var alert = Assert.Single(await catalog.ListAlertsAsync(), a => a.Id == alertId);
        Assert.Null(alert.AcknowledgedAt);
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.True(scroll <= client, $"{where}: the page is {scroll} px wide in a {client} px viewport");
    }
}
