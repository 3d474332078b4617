using Microsoft.Playwright;

namespace BackupFunctions.Host.Tests.Dashboard;

/// <summary>
/// Debian's headless Chromium (/usr/bin/chromium, installed by scripts/services.sh) driven by Playwright, with a page
/// of the given width, and screenshots written where scripts/test.sh keeps them (TestResults/screenshots, or
/// $BF_SCREENSHOT_DIR).
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;
    private readonly string _screenshots;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, string screenshots)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        Page = page;
        _screenshots = screenshots;
    }

    public IPage Page { get; }

    public static async Task<DashboardBrowser> OpenAsync(Uri host, int width = 1280, int height = 900)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/services.sh up installs Debian's chromium package.");
        var playwright = await Playwright.CreateAsync();
        // No sandbox: the tests run as root in CI's container, where Chromium refuses its sandbox.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // Generous: the machine is shared, and a step's end is awaited explicitly where it matters.
        context.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        var page = await context.NewPageAsync();
        return new DashboardBrowser(playwright, browser, context, page, ScreenshotDirectory());
    }

    public async Task SignInAsync(string key, string user)
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("Function or admin key").FillAsync(key);
        await Page.GetByLabel("Your name", new PageGetByLabelOptions { Exact = false }).FillAsync(user);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
    }

    public async Task GoAsync(string hash) => await Page.EvaluateAsync("h => { location.hash = h; }", hash);

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(_screenshots);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, name + ".png"), FullPage = true });
    }

    private static string ScreenshotDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("BF_SCREENSHOT_DIR");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BackupFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
