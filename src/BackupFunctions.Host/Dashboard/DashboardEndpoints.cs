using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupFunctions.Host.Dashboard;

/// <summary>
/// The backup management dashboard (docs/dashboard.md): a static page at <c>/</c> whose script calls the same product
/// and management API with the key the operator signs in with. The files need no key (they hold no data); every
/// call they make is checked by the API as any other.
/// </summary>
internal static class DashboardEndpoints
{
    // Only our own files, no inline script or style, no framing: a key typed into this page can only go to this host.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        // Browsers ask for HTML and get the page; scripts and probes that ask for JSON keep the answer they had.
        app.MapGet("/", (HttpContext http) => WantsHtml(http.Request)
            ? Serve(http, "index.html")
            : Results.Json(new { service = "BackupFunctions", mode = "self-hosted", dashboard = "/" }));
        app.MapGet("/dashboard/{file}", (string file, HttpContext http) => Serve(http, file));
        app.MapDashboardApi();
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static IResult Serve(HttpContext http, string file)
    {
        if (DashboardFiles.Find(file) is not { } asset)
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The files change with the host's version only; revalidating each time keeps an upgrade visible at once.
        headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
